"""How a BigCommerce order becomes a Clover cart (pure): lines per unit, pennies spread, line
and order discounts, shipping and tax lines, sub-cent rounding, and the options."""

from __future__ import annotations

from decimal import Decimal

from esync_desktop.domain.catalog import CloverItem
from esync_desktop.domain.orders import BcDiscount, BcOrder, BcOrderLine
from esync_desktop.sync.orders.cart import ROUNDING, TAX_LINE, build_cart, clover_index
from esync_desktop.sync.orders.options import OrderOptions

D = Decimal
ITEMS = clover_index(
    [
        CloverItem("ITEM1", "Mug", "MUG-001", 1200, None, 0),
        CloverItem("ITEM2", "Tee M", "tee-m", 2000, None, 0),
        CloverItem("DUP1", "A", "DUP", 100, None, 0),
        CloverItem("DUP2", "B", "dup", 100, None, 0),
        CloverItem("GONE", "Old", "OLD-1", 100, None, 0, deleted=True),
    ]
)


def _order(*lines: BcOrderLine, **money: str) -> BcOrder:
    fields = {
        "shipping_ex_tax": "0",
        "handling_ex_tax": "0",
        "wrapping_ex_tax": "0",
        "discount_amount": "0",
        "coupon_discount": "0",
        "total_tax": "0",
        "total_inc_tax": "0",
        **money,
    }
    return BcOrder(
        id=7,
        status_id=11,
        status="Awaiting Fulfillment",
        created_ms=0,
        modified_ms=0,
        customer="Jane Doe",
        email="jane@example.com",
        payment_method="Cash",
        payment_status="captured",
        currency="USD",
        lines=lines,
        **{k: D(v) for k, v in fields.items()},
    )


def _line(sku: str | None, quantity: int, total: str, *discounts: BcDiscount) -> BcOrderLine:
    return BcOrderLine(1, f"Line {sku}", sku, quantity, D(total), discounts=discounts)


def test_units_become_lines_and_the_pennies_of_a_total_are_spread() -> None:
    result = build_cart(_order(_line("mug-001", 3, "10.00"), total_inc_tax="10.00"), ITEMS)
    prices = [line.price for line in result.cart.lines]
    assert prices == [334, 333, 333] and result.equal
    assert {line.item_id for line in result.cart.lines} == {"ITEM1"}
    assert result.cart.reference == "BC7" and result.cart.title == "BigCommerce #7"
    assert "Jane Doe <jane@example.com>" in result.cart.note
    body = result.cart.body()["orderCart"]
    assert body["externalReferenceId"] == "BC7" and body["taxRemoved"] is True


def test_unmatched_duplicate_and_deleted_skus_become_named_custom_lines() -> None:
    order = _order(
        _line(None, 1, "1.00"),
        _line("DUP", 1, "1.00"),
        _line("OLD-1", 1, "1.00"),
        _line("TEE-M", 1, "20.00"),
        total_inc_tax="23.00",
    )
    cart = build_cart(order, ITEMS).cart
    assert cart.unmatched == (
        "Line None: no SKU on BigCommerce",
        "Line DUP: SKU DUP is shared by 2 Clover items",
        "Line OLD-1: SKU OLD-1 is not in Clover",
    )
    assert [line.item_id for line in cart.lines] == [None, None, None, "ITEM2"]
    assert cart.lines[3].name == "Tee M"


def test_line_and_order_discounts_shipping_and_tax_add_up_to_the_web_total() -> None:
    per_item = BcDiscount("Coupon", D("3.00"), "product", "MUGS3")
    whole = BcDiscount("Coupon", D("2.00"), "order", "SAVE2")
    order = _order(
        _line("MUG-001", 2, "24.00", per_item, whole),
        shipping_ex_tax="5.99",
        handling_ex_tax="1.00",
        discount_amount="1.50",
        coupon_discount="5.00",
        total_tax="1.73",
        total_inc_tax="26.22",
    )
    result = build_cart(order, ITEMS)
    cart = result.cart
    assert [(x.name, x.price, x.discounts) for x in cart.lines] == [
        ("Mug", 1200, (("Coupon MUGS3", 300),)),
        ("Mug", 1200, ()),
        ("Shipping", 599, ()),
        ("Handling", 100, ()),
        (TAX_LINE, 173, ()),
    ]
    assert cart.discounts == (("Coupon SAVE2", 200), ("Discount", 150))
    assert cart.lines[-1].is_revenue is False and cart.tax == 173
    assert result.equal and cart.total == 2622


def test_sub_cent_amounts_are_made_up_by_a_rounding_line_a_real_gap_is_not() -> None:
    near = _order(_line(None, 1, "10.0049"), _line(None, 1, "5.0049"), total_inc_tax="15.0100")
    result = build_cart(near, ITEMS)
    assert result.equal and result.rounding == 1
    assert result.cart.lines[-1].name == ROUNDING and result.cart.lines[-1].price == 1
    far = _order(_line(None, 1, "10.00"), total_inc_tax="12.00")
    result = build_cart(far, ITEMS)
    assert not result.equal and (result.bc_total, result.cart.total) == (1200, 1000)


def test_options_keep_never_pushed_statuses_out_and_read_command_line_text() -> None:
    opts = OrderOptions.parse(
        {"statuses": "Shipped, completed, Pending, 6, Nope", "tenders": "PayPal=Other"}
    )
    assert opts.statuses == frozenset({2, 10})
    assert len(opts.notes) == 3
    assert opts.tender_for("paypal ") == "Other" and opts.tender_for("Card") == "BigCommerce"
    default = OrderOptions.parse({})
    assert default.statuses == frozenset({2, 3, 8, 9, 10, 11}) and default.create_tender
