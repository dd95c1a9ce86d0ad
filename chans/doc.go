// Package chans builds concurrent programs by message passing: goroutines that
// own their data and hand it to each other over plain Go channels, in the
// style of Hoare's communicating sequential processes. Each operator is a free
// generic function that takes a context, starts its own goroutines and returns
// receive-only channels, so operators compose by passing one's output to the
// next one's input.
//
// # Patterns
//
// A pipeline is a chain of stages, each a goroutine (or several) that receives
// from the channel before it and sends to the channel after it:
//
//	nums := chans.Generate(ctx, 1, 2, 3, 4)    // source
//	sq := chans.Map(ctx, nums, square)         // stage
//	odd := chans.Filter(ctx, sq, isOdd)        // stage
//	for v := range chans.Seq(ctx, odd) { ... } // sink
//
// Stages run at the same time on different items, and an unbuffered channel
// between them gives back-pressure for free: a stage that outruns the next one
// waits for it instead of piling up work.
//
// Fan-out spreads the items of one channel over several goroutines so that a
// slow stage can run in parallel: FanOut gives each consumer its own channel,
// and ParallelMap and OrderedMap run a function on a fixed number of workers.
// Fan-in is the reverse: Merge combines several channels into one.
// ParallelMap is fan-out followed by fan-in, so its results come in completion
// order; OrderedMap keeps the input order at the cost of waiting for the
// slowest item in a window of O(workers) items.
//
// Broadcast is different from fan-out: every consumer receives every value.
// Since the producer cannot hand a value to a consumer that is not reading, a
// broadcast must decide what a slow consumer does to the others. Broadcast
// keeps them in step (the slowest sets the pace), BroadcastBuffered gives each
// consumer a bounded queue to absorb bursts, and BroadcastDropping never waits
// and counts what a slow consumer missed.
//
// Take, TakeWhile and Batch shape a stream; Drain discards one.
//
// # Contract shared by every operator
//
// Every operator closes every channel it returns, once its input is exhausted
// or its context ends, and never closes a channel it did not create (inputs
// are receive-only, so the compiler holds every operator to that). When the
// context ends, every goroutine an operator started returns promptly, even if
// nobody reads its outputs any more. A consumer that stops early, by Take,
// TakeWhile or breaking out of a range over Seq, stops reading but does not
// cancel anything by itself: cancel the context (usually with a deferred
// cancel) to release the stages upstream.
//
// An operator's goroutines look at the context before each receive from an
// input and each send on an output, so once one of them has seen the context
// end it takes nothing more from its inputs and delivers nothing more, even to
// a consumer that is waiting: a stage busy in its function when the context
// ends drops that result rather than deliver it, and takes no further value
// (OrderedMap may have read ahead before the end, as it does). Only a
// channel operation already under way as the context ends may still complete;
// values taken and not yet delivered are dropped.
//
// Bad arguments (a nil context, function, sequence or Group, fewer than one
// output, a negative count or buffer, a batch size < 1) make an operator panic
// at once with a message that starts with "chans: " and names the operator.
//
// The workers argument of ParallelMap, OrderedMap and their error-aware forms
// follows the rule of package pool: it is the number of goroutines that run
// the function at once, and workers <= 0 means runtime.GOMAXPROCS(0).
//
// A panic in a function given to an operator is not recovered: as in any
// goroutine, it ends the program. In a Group stage, Group.Wait re-raises it
// instead, and repeats a runtime.Goexit (t.FailNow in a test) in its caller.
//
// Work that can fail runs in a Group: NewGroup returns a context that is
// cancelled at the first error, MapErr, ParallelMapErr and OrderedMapErr report
// their function's errors to the group, and Group.Wait returns the first one
// after every stage has stopped.
//
// # When message passing pays, and when it does not
//
// Passing a value through a channel transfers its ownership: the sender stops
// using it and the receiver needs no lock, so as long as senders keep to that
// rule a pipeline has no data races, and its stages are easy to test alone. It shines when each
// stage does real work per item (parsing, I/O, compression) and when the
// natural shape of the problem is a flow: the cost of a channel operation,
// some tens to hundreds of nanoseconds and a possible goroutine switch, is
// then noise, and the channels double as queues with back-pressure.
//
// It does not pay when the messages are large or the stages are chatty. A
// channel copies the value it carries, so send pointers or slices rather than
// big structs, and then remember that the receiver shares the memory behind
// them. A stage that does a few nanoseconds of work per item spends nearly all
// its time in channel hand-offs: batch items (Batch) so each message carries
// more work, or use shared memory instead. State that many goroutines read and
// update in place, such as a cache, a counter or an index, is simpler and
// faster behind a mutex or atomics (package syncx) than owned by a goroutine
// that everybody must message.
package chans
