"""Factor IDs from EVIDENCE.md: drivers and barriers of learning (stable, used in data).

The learning check (E4), the nudge library (N1) and offer filters (F2) name these IDs;
they are stored as their string values, so never rename one.
"""

from __future__ import annotations

import enum


class Factor(enum.StrEnum):
    # Drivers (raise participation)
    social_norm = "D-NORM"
    peer_support = "D-PEER"
    manager_support = "D-MGR"
    self_efficacy = "D-SELF"
    positive_attitude = "D-ATT"
    visible_outcomes = "D-OUT"
    working_time = "D-TIME"
    intrinsic_interest = "D-INT"
    meaning_for_others = "D-LOYAL"
    necessity = "D-URG"
    hrm_instruments = "D-HRM"
    task_information = "D-TASK"
    ambassador = "D-AMB"
    coaching = "D-COACH"
    # Barriers (lower participation)
    feeling_secure = "B-SECURE"
    short_term = "B-SHORT"
    fear = "B-FEAR"
    no_time = "B-TIME"
    cost = "B-MONEY"
    not_knowing = "B-KNOW"
    dislikes_theory = "B-THEORY"
    manager_feedback = "B-MGRFB"
    distrust_hr = "B-HR"
    digital_hurdles = "B-DIGI"
    temporary_contract = "B-TEMP"
    life_situation = "B-LIFE"
    online_only = "B-ONLINE"

    @property
    def is_barrier(self) -> bool:
        return self.value.startswith("B-")
