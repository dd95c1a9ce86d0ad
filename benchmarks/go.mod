module github.com/concurkit/concur/benchmarks

go 1.25.0

replace github.com/concurkit/concur => ../

require (
	github.com/alitto/pond/v2 v2.7.1
	github.com/concurkit/concur v0.0.0-00010101000000-000000000000
	github.com/panjf2000/ants/v2 v2.12.1
	github.com/sasha-s/go-deadlock v0.3.9
	github.com/sourcegraph/conc v0.3.0
	golang.org/x/sync v0.22.0
)

require (
	github.com/petermattis/goid v0.0.0-20250813065127-a731cc31b4fe // indirect
	go.uber.org/atomic v1.7.0 // indirect
	go.uber.org/multierr v1.9.0 // indirect
)
