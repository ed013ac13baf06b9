"""Which screen each kind of error leads to, with its title and what to do next."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from esync_desktop.ui.order_words import task_problem_text


class Flow(StrEnum):
    CREDENTIALS = "credentials"  # open the Connections page on the failing store
    RETRY_LATER = "retry"  # unreachable: say so, tray shows the error state
    ITEM = "item"  # validation: the item is named with what to fix
    KEYRING = "keyring"  # no OS keyring: what to install or unlock
    BUSY = "busy"  # another sync holds the run lock
    PREVIEW_AGAIN = "preview"  # the plan is out of date
    CANCELLED = "cancelled"
    DETAILS = "details"  # unknown: a dialog with copyable details
    TASK = "task"  # the task holds steps that may not run together: change it in Tasks


@dataclass(frozen=True)
class UserError:
    title: str
    message: str
    flow: Flow


_FLOW_BY_CLASS: dict[str, Flow] = {
    # By class name along the MRO: the UI needs no import of where each error class lives.
    "AuthError": Flow.CREDENTIALS,
    "ConfigurationError": Flow.CREDENTIALS,
    "NotFoundError": Flow.CREDENTIALS,
    "ValidationError": Flow.ITEM,
    "ConflictError": Flow.ITEM,
    "TransportError": Flow.RETRY_LATER,
    "ServerError": Flow.RETRY_LATER,
    "RateLimitedError": Flow.RETRY_LATER,
    "SecretsUnavailable": Flow.KEYRING,
    "NoKeyringError": Flow.KEYRING,
    "KeyringLocked": Flow.KEYRING,
    "RunLocked": Flow.BUSY,
    "StalePlan": Flow.PREVIEW_AGAIN,
    "Cancelled": Flow.CANCELLED,
    "TaskRefused": Flow.TASK,
}
_TITLES: dict[Flow, str] = {
    Flow.CREDENTIALS: "Check your connection details",
    Flow.RETRY_LATER: "A store could not be reached",
    Flow.ITEM: "An item was refused",
    Flow.KEYRING: "No safe place to keep your tokens",
    Flow.BUSY: "Another sync is running",
    Flow.PREVIEW_AGAIN: "The preview is out of date",
    Flow.CANCELLED: "Stopped",
    Flow.DETAILS: "Something went wrong",
    Flow.TASK: "This task cannot run as it is",
}
_DEFAULT_MESSAGES: dict[Flow, str] = {
    Flow.CREDENTIALS: "Open Connections, check the details and tokens, then test again.",
    Flow.RETRY_LATER: "Check the internet connection; eSync Desktop tries again on the next run.",
    Flow.BUSY: "Wait for the sync that is running to finish, then try again.",
    Flow.PREVIEW_AGAIN: "Another sync ran since this preview was made. Preview again, then sync.",
    Flow.CANCELLED: "Stopped on request. What was done so far is kept.",
    Flow.KEYRING: "",
    Flow.ITEM: "",
    Flow.DETAILS: "The details below help support find the cause.",
    Flow.TASK: "Change its steps in Tasks.",
}

KEYRING_HELP = (
    "eSync Desktop keeps API tokens only in your system's keyring, never in a plain file, "
    "and no keyring is available right now. On Linux, install and unlock GNOME Keyring or "
    "KWallet (for example: sudo apt install gnome-keyring) and log in again; on Windows and "
    "macOS the built-in Credential Manager / Keychain is used. Nothing was saved."
)


def describe_error(exc: BaseException) -> UserError:
    """The title, the message (what to do next) and the screen for an exception."""
    flow = Flow.DETAILS
    for cls in type(exc).__mro__:
        if cls.__name__ in _FLOW_BY_CLASS:
            flow = _FLOW_BY_CLASS[cls.__name__]
            break
    title = getattr(exc, "title", None) or _TITLES[flow]
    message = getattr(exc, "message", None) or str(exc) or _DEFAULT_MESSAGES[flow]
    if flow is Flow.TASK:
        # Made from the problems' fields: the steps by their labels, the location.
        problems = getattr(exc, "problems", ())
        why = " ".join(task_problem_text(p) for p in problems)
        message = f"{why} {_DEFAULT_MESSAGES[flow]}".strip()
    if flow is Flow.KEYRING:
        message = f"{message} Nothing was saved in a plain file." if str(exc) else KEYRING_HELP
    elif flow in (Flow.BUSY, Flow.PREVIEW_AGAIN, Flow.CANCELLED) and not getattr(
        exc, "message", None
    ):
        message = str(exc) or _DEFAULT_MESSAGES[flow]
    return UserError(str(title), str(message), flow)
