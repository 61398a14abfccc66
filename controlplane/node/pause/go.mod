module tidbbackup.test/pause

go 1.26
