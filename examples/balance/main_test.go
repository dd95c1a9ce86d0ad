package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// In a synctest bubble time is fake, so the log, timestamps included, is
// exactly reproducible.
func TestRunLog(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		errs := run(&out, 30, 4, 10*time.Millisecond, 100, 100*time.Millisecond)
		want := "" +
			"    0ms  withdraw  100 asked, balance 0\n" +
			"   10ms  deposit    30 -> balance 30\n" +
			"   20ms  deposit    30 -> balance 60\n" +
			"   30ms  deposit    30 -> balance 90\n" +
			"   40ms  deposit    30 -> balance 120\n" +
			"   40ms  withdraw  100 done -> balance 20\n" +
			"   40ms  withdraw  100 asked, balance 20\n" +
			"  140ms  withdraw  100 gave up: context deadline exceeded; balance still 20\n"
		if out.String() != want {
			t.Errorf("log:\n%s\nwant:\n%s", out.String(), want)
		}
		if errs[0] != nil || !errors.Is(errs[1], context.DeadlineExceeded) {
			t.Errorf("errors = %v, want [nil, deadline exceeded]", errs)
		}
	})
}

func TestManyWithdrawalsWaitForDifferentAmounts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := NewAccount(io.Discard)
		done := make(chan int, 3)
		for _, amount := range []int{50, 10, 30} {
			go func() {
				if err := a.Withdraw(context.Background(), amount); err != nil {
					t.Error(err)
				}
				done <- amount
			}()
		}
		synctest.Wait() // all three are waiting
		a.Deposit(10)
		synctest.Wait()
		// Broadcast woke all three; only the one asking for 10 could proceed.
		if got := <-done; got != 10 {
			t.Fatalf("first withdrawal served: %d, want 10", got)
		}
		a.Deposit(80)
		<-done
		<-done
		if a.balance != 0 {
			t.Errorf("balance %d, want 0", a.balance)
		}
	})
}

func TestWithdrawWithEndedContextLeavesBalance(t *testing.T) {
	a := NewAccount(io.Discard)
	a.Deposit(5)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := a.Withdraw(ctx, 10); !errors.Is(err, context.Canceled) {
		t.Fatalf("Withdraw = %v, want context.Canceled", err)
	}
	if a.balance != 5 {
		t.Errorf("balance %d, want 5", a.balance)
	}
}
