package dsync

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.etcd.io/etcd/client/v3/concurrency"
)

// A primitive named N of kind K keeps all its keys under N + "\x00" + K +
// "\x00". Names may not contain NUL, so no primitive's key space is a prefix
// of another's: a name that extends another ("jobs" and "jobs/a") or the same
// name used for another kind lands in a separate range.
const sep = "\x00"

func prefixFor(kind, name string) string {
	if name == "" {
		panic("dsync: empty name")
	}
	if !utf8.ValidString(name) || strings.Contains(name, sep) {
		panic(fmt.Sprintf("dsync: name %q must be valid UTF-8 without NUL bytes", name))
	}
	return name + sep + kind + sep
}

func checkSession(s *concurrency.Session) {
	if s == nil {
		panic("dsync: nil session")
	}
}

// uniqueSuffix names one waiting or holding key. The lease makes it easy to
// see who owns a key; the random part keeps keys of one session apart.
func uniqueSuffix(s *concurrency.Session) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("dsync: crypto/rand: " + err.Error())
	}
	return strconv.FormatInt(int64(s.Lease()), 16) + "-" + hex.EncodeToString(b[:])
}

// A queue key's value: kind, weight, the primitive's setting (permits or
// policy) and whether the holder has claimed its grant, e.g. "w 1 0 1".
type entryValue struct {
	kind    byte // 'x' exclusive (Mutex), 's' semaphore, 'r' reader, 'w' writer
	weight  int64
	setting int64
	claimed bool
}

func (v entryValue) encode() string {
	c := "0"
	if v.claimed {
		c = "1"
	}
	return string(v.kind) + " " + strconv.FormatInt(v.weight, 10) + " " + strconv.FormatInt(v.setting, 10) + " " + c
}

func decodeEntry(b []byte) (entryValue, bool) {
	f := strings.Fields(string(b))
	if len(f) != 4 || len(f[0]) != 1 || (f[3] != "0" && f[3] != "1") {
		return entryValue{}, false
	}
	w, err1 := strconv.ParseInt(f[1], 10, 64)
	s, err2 := strconv.ParseInt(f[2], 10, 64)
	if err1 != nil || err2 != nil || w <= 0 {
		return entryValue{}, false
	}
	return entryValue{kind: f[0][0], weight: w, setting: s, claimed: f[3] == "1"}, true
}
