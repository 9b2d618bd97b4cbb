-- A run the webhook receiver asks for reads only the items its events named (docs/metrics.md, "Targeted runs and
-- full scans"); etl.runs says which kind of read each board got.
alter table etl.runs
    add column scan text not null default 'full' check (scan in ('full', 'targeted')),
    add column targets integer;
comment on column etl.runs.scan is 'full: every item of the board was read; targeted: only the items webhook events named (the others carried forward)';
comment on column etl.runs.targets is 'For a targeted read: how many items it asked GitHub for; null for a full scan';
