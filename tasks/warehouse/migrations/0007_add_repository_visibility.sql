-- Whether an issue's repository is public: the public dashboard shows only issues of public repositories.
alter table github.issues add column repository_visibility text;
comment on column github.issues.repository_visibility is 'PUBLIC, PRIVATE or INTERNAL (Repository.visibility) at the latest observation; null until observed. The public dashboard names only issues whose repository is PUBLIC';
