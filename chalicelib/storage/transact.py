"""The transaction builder: TransactWriteItems built step by step, each step naming what its failed
condition means, so a cancellation raises the right domain error without decoding reasons by position."""
from __future__ import annotations

import time
from typing import Callable, NamedTuple, Union

from ..errors import ConflictError, StorageUnavailableError
from .codec import marshal, unmarshal

# What a failed condition means: the error to raise, or a function from the item in the way (asked
# for with ReturnValuesOnConditionCheckFailure) to the error.
Failure = Union[Exception, Callable[[dict], Exception]]

_BUSY = ("TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded")


class _Step(NamedTuple):
    action: dict  # {"Put" | "Update" | "Delete" | "ConditionCheck": {...}}
    failure: Failure | None
    optional: bool


class Transaction:
    """One TransactWriteItems on the table. Steps are added in the order their failures take
    precedence: when several conditions fail, the first step's failure is raised."""

    def __init__(self, call: Callable[..., dict], table: str):
        self._call = call
        self.table = table
        self._steps: list[_Step] = []

    def __len__(self) -> int:
        return len(self._steps)

    def put(self, item: dict, *, condition: str | None = None, names: dict | None = None,
            values: dict | None = None, failure: Failure | None = None, optional: bool = False) -> None:
        self._add("Put", {"Item": marshal(item)}, condition, names, values, failure, optional)

    def update(self, key: dict, expression: str, *, condition: str | None = None, names: dict | None = None,
               values: dict | None = None, failure: Failure | None = None, optional: bool = False) -> None:
        self._add("Update", {"Key": marshal(key), "UpdateExpression": expression}, condition, names, values,
                  failure, optional)

    def delete(self, key: dict, *, condition: str | None = None, names: dict | None = None,
               values: dict | None = None, failure: Failure | None = None, optional: bool = False) -> None:
        self._add("Delete", {"Key": marshal(key)}, condition, names, values, failure, optional)

    def check(self, key: dict, condition: str, *, failure: Failure, names: dict | None = None,
              values: dict | None = None) -> None:
        self._add("ConditionCheck", {"Key": marshal(key)}, condition, names, values, failure, False)

    def _add(self, kind: str, op: dict, condition: str | None, names: dict | None, values: dict | None,
             failure: Failure | None, optional: bool) -> None:
        """`optional`: the step's failure must not block the rest (a guard another comment owns now, an
        item TTL deleted): the transaction then runs once more without the optional steps, and an
        optional step's failure is never raised."""
        op = {"TableName": self.table, **op}
        if condition:
            op["ConditionExpression"] = condition
        if names:
            op["ExpressionAttributeNames"] = names
        if values:
            op["ExpressionAttributeValues"] = marshal(values)
        if callable(failure):
            op["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        self._steps.append(_Step({kind: op}, failure, optional))

    def commit(self) -> None:
        """Write every step or none; raise the failure of the first step whose condition failed."""
        failed = self._run(self._steps)
        if failed and all(step.optional for step, _ in failed):
            failed = self._run([step for step in self._steps if not step.optional])
        for step, old in failed:
            if step.optional:
                continue
            if step.failure is None:  # a condition nobody named: never expected
                raise ConflictError("the change could not be stored; please send it again")
            raise step.failure(old) if callable(step.failure) else step.failure

    def _run(self, steps: list[_Step], attempts: int = 4) -> list[tuple[_Step, dict]]:
        """TransactWriteItems; the steps whose conditions failed, each with the item in the way where
        it asked for it (empty: committed).

        A TransactionConflict (another transaction on the same item) is retried: on retry the
        conditions see the winner's write, so the loser learns a plain condition failure.
        """
        from botocore.exceptions import ClientError

        if not steps:
            return []
        for attempt in range(attempts):
            try:
                self._call("transact_write_items", TransactItems=[step.action for step in steps])
                return []
            except ClientError as exc:
                error = exc.response.get("Error", {})
                if error.get("Code") != "TransactionCanceledException":
                    raise
                reasons = exc.response.get("CancellationReasons") or _reasons_from_message(
                    error.get("Message", ""), len(steps)
                )
                failed = [
                    (step, unmarshal(reason["Item"]) if reason.get("Item") else {})
                    for step, reason in zip(steps, reasons)
                    if reason.get("Code") == "ConditionalCheckFailed"
                ]
                if failed:
                    return failed
                codes = [r.get("Code", "None") for r in reasons]
                if any(code in _BUSY for code in codes):
                    time.sleep(0.02 * 2**attempt)
                    continue
                raise StorageUnavailableError("transaction cancelled: " + ",".join(codes)) from exc
        raise StorageUnavailableError("transaction kept conflicting")


def _reasons_from_message(message: str, count: int) -> list[dict]:
    """Older servers put the reasons only in the message: '... reasons [None, ConditionalCheckFailed]'."""
    if "[" not in message:
        return []
    inside = message[message.rfind("[") + 1 : message.rfind("]")]
    return [{"Code": part.strip()} for part in inside.split(",")][:count]
