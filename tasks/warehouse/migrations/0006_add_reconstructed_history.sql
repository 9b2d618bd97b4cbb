-- Reconstructed history: at a board's first observation, the versions its issue items and their issues held
-- before it, rebuilt from the timestamps GitHub keeps (when an item was added, when an issue was created and
-- closed). They are flagged, and the board remembers where its history starts.
alter table github.item_versions add column reconstructed boolean not null default false;
alter table github.issue_versions add column reconstructed boolean not null default false;
alter table github.projects add column reconstructed_from timestamptz;
comment on column github.item_versions.reconstructed is 'true: rebuilt at the board''s first observation from the item''s createdAt (on the board from then, with the first observation''s field values, status unknown); false: observed by a run';
comment on column github.issue_versions.reconstructed is 'true: rebuilt at its board''s first observation from the issue''s createdAt, closedAt and stateReason; false: observed by a run';
comment on column github.projects.reconstructed_from is 'Earliest moment of reconstructed state on the board (its oldest item''s createdAt); null when nothing was reconstructed';
