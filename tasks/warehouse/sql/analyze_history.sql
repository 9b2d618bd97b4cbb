-- Fresh statistics for the history tables this load wrote to, read by the fact refresh in the same transaction.
analyze github.projects, github.sprints, github.issues, github.item_versions, github.issue_versions
