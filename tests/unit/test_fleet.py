"""core/fleet.py: a deployment's device as the fleet table shows it."""

from __future__ import annotations

from intelivision_desktop.core.alerts import AlertRules
from intelivision_desktop.core.fleet import SILENT_S, FleetDevice


def test_state_follows_the_threshold_it_is_given() -> None:
    d = FleetDevice("dev-1", last_seen_local=100.0)
    assert d.state(100.0 + SILENT_S - 1) == "connected"
    assert d.state(100.0 + SILENT_S + 1) == "silent"
    # a slow deployment: windows 12 s apart, the alert rules allow 36 s
    assert d.state(115.0, silent_s=36.0) == "connected"
    assert d.state(137.0, silent_s=36.0) == "silent"
    d.connected = False
    assert d.state(101.0, silent_s=36.0) == "gone"


def test_the_table_and_the_alert_agree_on_a_slow_cadence() -> None:
    """The window hands the table AlertRules.silent_threshold_s: a device whose windows
    come every 12 s is connected 15 s after its last one, in the table as in the alerts."""
    rules = AlertRules()
    for k in range(6):
        rules.on_activity("dev-1", k * 12_000.0)
    threshold = rules.silent_threshold_s("dev-1")
    assert threshold > 15.0
    d = FleetDevice("dev-1", last_seen_local=60.0)
    assert d.state(75.0, silent_s=threshold) == "connected"
    assert rules.tick(75_000.0) == []
    assert d.state(60.0 + threshold + 1.0, silent_s=threshold) == "silent"
    assert [a.kind.value for a in rules.tick(60_000.0 + (threshold + 1.0) * 1000.0)] == ["silent"]
