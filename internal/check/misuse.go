package check

// Misuse panics with the one phrasing of a misuse in concur: "pkg: op
// problem", naming the package, the operation and what was wrong, as in
// "chans: Take with n < 0" or "pool: Wait on a Pool not created by New".
// Call it before touching any state.
func Misuse(pkg, op, problem string) {
	panic(pkg + ": " + op + " " + problem)
}
