module github.com/concurkit/concur/benchmarks

go 1.25

replace github.com/concurkit/concur => ../
