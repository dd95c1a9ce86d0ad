module github.com/concurkit/concur/benchmarks

go 1.26.0

replace github.com/concurkit/concur => ../

require (
	github.com/concurkit/concur v0.0.0-00010101000000-000000000000
	golang.org/x/sync v0.24.0
)

require (
	github.com/alitto/pond/v2 v2.7.1 // indirect
	github.com/panjf2000/ants/v2 v2.12.1 // indirect
	github.com/sourcegraph/conc v0.3.0 // indirect
)
