-- An issue GitHub closed with no state reason (stateReason null) is done, never dropped. The views read such an
-- issue as neither and left it out of scope; the materialized facts written before hold that reading: every day is
-- computed again by the next load's refresh (until then the views compute every day from the versions).
update metrics_base.fact_state set valid_through = null, current_valid = false;
