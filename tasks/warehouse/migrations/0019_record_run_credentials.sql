-- A run reads GitHub with a token or as a GitHub App's installation (README, "Running as a GitHub App"); etl.runs
-- says which, and the rate budget GitHub reported for those credentials (an App's grows with its installation).
alter table etl.runs
    add column credentials text check (credentials in ('token', 'app')),
    add column rate_limit integer;
comment on column etl.runs.credentials is 'What read the board: token (a personal or fine-grained token) or app (a GitHub App''s installation on the board''s owner); null for runs before this was recorded and for replays of them';
comment on column etl.runs.rate_limit is 'The GraphQL rate budget, in points an hour, GitHub reported for the credentials that read the board (rateLimit.limit)';
