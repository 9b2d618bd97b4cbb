-- A board's title and its field values (sprint and status names) reach the public site only when the board is
-- public on GitHub or its configuration says so (README, "Security"); the warehouse keeps both facts.
alter table github.projects
    add column is_public boolean,
    add column publish_private boolean not null default false;
comment on column github.projects.is_public is 'ProjectV2.public at the latest read: true when anyone may see the board; null until read';
comment on column github.projects.publish_private is 'The configuration''s publish_private: the public site shows this board''s title, sprint and status names even though it is private on GitHub';
