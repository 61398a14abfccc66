module tidbbackup.test/standin-br

go 1.22
