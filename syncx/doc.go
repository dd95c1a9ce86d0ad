// Package syncx provides shared-memory synchronisation primitives that
// complement the standard sync package.
package syncx
