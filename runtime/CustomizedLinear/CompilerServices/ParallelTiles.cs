using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace CustomizedLinear.CompilerServices;

/// <summary>One tile of a job that <see cref="ParallelTiles"/> spreads over threads.</summary>
internal interface ITileJob
{
    void Run(int tile);
}

/// <summary>
/// The fork-join behind every <c>degreeOfParallelism</c> overload: a batch cut into tiles of whole sample groups,
/// the calling thread and up to <c>degree − 1</c> worker threads taking tiles until none is left.
/// </summary>
/// <remarks>
/// <para>
/// Why not <c>Parallel.For</c>: it allocates its options, a closure, a loop state and tasks on every call (about
/// 1 KB), and a training step makes a dozen such calls. Here the job is a struct on the caller's stack, reached
/// by the workers through a pointer while the caller waits for every tile, and the runner that carries it is
/// rented from a small pool: once the workers and a few runners exist, a call allocates nothing.
/// </para>
/// <para>
/// Why workers of our own, not the thread pool's: a pool thread that had gone to sleep between two layers (the loss,
/// the optimizer and the activations run on the caller meanwhile) took longer to wake than the caller took for its
/// own tile, and the caller then took the other tile too (MADE's forward+backward at batch 100 ran 1.3× faster on two
/// threads through the pool, and the thread pool's hill climbing added threads, each with its own scratch). Our
/// workers spin for <see cref="SpinTicks"/> after each job before they block, as OpenMP runtimes do (200 ms by
/// default there), so that the next layer and the next step find them awake. They are background threads, made on
/// first use, one per extra thread of the largest degree asked for (at most the processor count less one).
/// </para>
/// <para>
/// Which thread runs a tile never changes what the tile computes: results are written per tile (rows of the
/// output) or into per-tile buffers that the caller reduces in tile order, so a given degree gives the same bits
/// on every run.
/// </para>
/// </remarks>
internal static unsafe class ParallelTiles
{
    /// <summary>
    /// Rows per tile for <paramref name="batch"/> samples on up to <paramref name="degree"/> threads: an equal
    /// share rounded up to whole groups of <paramref name="group"/> samples (a group is the batch kernels' unit; a
    /// split group would be padded twice). Returns the number of tiles; 1 means the job is not worth splitting.
    /// </summary>
    public static int Cut(int batch, int degree, int group, out int rows)
    {
        degree = Math.Max(degree, 1);
        int share = (int)(((long)batch + degree - 1) / degree);
        rows = (int)Math.Min(batch, ((long)share + group - 1) / group * group);
        return rows == 0 ? 0 : (batch + rows - 1) / rows;
    }

    /// <summary>The first row of <paramref name="tile"/> and how many rows it has, for tiles of <paramref name="rows"/> rows over <paramref name="batch"/>.</summary>
    public static int Rows(int tile, int rows, int batch, out int first)
    {
        first = tile * rows;
        return Math.Min(rows, batch - first);
    }

    /// <summary>
    /// Runs tiles <c>0 … tiles − 1</c> of <paramref name="job"/> on the calling thread and up to <c>degree − 1</c> others;
    /// returns when all are done. <paramref name="job"/> must live on the caller's stack (the ref structs do; a struct
    /// field of a heap object could move while the workers read it through the pointer).
    /// </summary>
    public static void Run<TJob>(ref TJob job, int tiles, int degree)
        where TJob : struct, ITileJob, allows ref struct
    {
        if (tiles <= 1 || degree <= 1)
        {
            for (int t = 0; t < tiles; t++)
            {
                job.Run(t);
            }

            return;
        }

        int workers = Math.Min(Math.Min(degree, tiles), Environment.ProcessorCount) - 1;

        // Made before the job is published: a thread that fails to start must not leave a worker holding it.
        Worker.EnsureCount(workers);
        TileRunner runner = TileRunner.Rent();
        runner.Run(Unsafe.AsPointer(ref job), &Invoke<TJob>, tiles, workers);
    }

    /// <summary>
    /// How long a worker looks for the next job before it blocks: 2 ms, longer than what a training loop does on one
    /// thread between two steps (MADE: the batch copy, the loss and Adam, about 0.9 ms). A blocked worker took longer to
    /// wake on these VMs than the caller took for its tile. Measured in MADE's training loop (batch 100, two threads):
    /// with 0.2 ms the forward pass ran 1.0–1.25× faster than on one thread, with 2 ms 1.4–1.5× (backward 1.3–1.5×, 1.5×).
    /// </summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 500;

    private static void Invoke<TJob>(void* job, int tile)
        where TJob : struct, ITileJob, allows ref struct =>
        Unsafe.AsRef<TJob>(job).Run(tile);

    /// <summary>One job in flight: the tiles still to claim, the tiles still running, and who still holds the runner.</summary>
    private sealed class TileRunner
    {
        /// <summary>Spare runners. A runner goes back only when its last holder leaves, so a late worker never sees the next job.</summary>
        private static readonly TileRunner?[] s_spares = new TileRunner?[8];

        private void* _job;
        private delegate*<void*, int, void> _invoke;
        private int _tiles;
        private int _next;
        private int _unfinished;
        private int _holders;
        private ExceptionDispatchInfo? _error;

        public static TileRunner Rent()
        {
            for (int i = 0; i < s_spares.Length; i++)
            {
                TileRunner? spare = Interlocked.Exchange(ref s_spares[i], null);
                if (spare is not null)
                {
                    return spare;
                }
            }

            return new TileRunner();
        }

        public void Run(void* job, delegate*<void*, int, void> invoke, int tiles, int workers)
        {
            _job = job;
            _invoke = invoke;
            _tiles = tiles;
            _next = 0;
            _unfinished = tiles;
            _error = null;
            Volatile.Write(ref _holders, workers + 1);
            for (int i = 0; i < workers; i++)
            {
                // A worker still busy with another caller's job is skipped: this caller takes its tiles.
                if (!Worker.At(i).Offer(this))
                {
                    Leave();
                }
            }

            // The job lives on this thread's stack: nothing may return before every claimed tile is finished,
            // whatever is thrown here (an interrupt held back below, an error of a tile).
            ThreadInterruptedException? interrupted;
            try
            {
                TakeTiles();
            }
            finally
            {
                interrupted = WaitForTiles();
            }

            ExceptionDispatchInfo? error = _error;
            Leave();
            if (interrupted is not null)
            {
                ExceptionDispatchInfo.Throw(interrupted);
            }

            error?.Throw();
        }

        /// <summary>Tiles until none is left; a worker then lets go of its offer slot and of the runner (<see cref="Leave"/>).</summary>
        public void TakeTiles()
        {
            int tile;
            while ((tile = Interlocked.Increment(ref _next) - 1) < _tiles)
            {
                try
                {
                    _invoke(_job, tile);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
                }
                finally
                {
                    if (Interlocked.Decrement(ref _unfinished) == 0)
                    {
                        lock (this)
                        {
                            Monitor.PulseAll(this);
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Spins while the other tiles are likely to finish soon, then waits on the runner's monitor. Not a
        /// <see cref="ManualResetEventSlim"/>: it makes its lock object on its first blocking wait, an allocation at
        /// a random later call. Not interruptible: the job lives on this thread's stack, so an interrupt is held back
        /// until every claimed tile is done and returned, for the caller to rethrow once it has let go of the runner.
        /// </summary>
        private ThreadInterruptedException? WaitForTiles()
        {
            ThreadInterruptedException? interrupted = null;
            var spin = default(SpinWait);
            while (Volatile.Read(ref _unfinished) != 0 && !spin.NextSpinWillYield)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            if (Volatile.Read(ref _unfinished) == 0)
            {
                return null;
            }

            while (true)
            {
                try
                {
                    lock (this)
                    {
                        while (Volatile.Read(ref _unfinished) != 0)
                        {
                            Monitor.Wait(this);
                        }
                    }

                    break;
                }
                catch (ThreadInterruptedException e)
                {
                    interrupted ??= e;
                }
            }

            return interrupted;
        }

        public void Leave()
        {
            if (Interlocked.Decrement(ref _holders) != 0)
            {
                return;
            }

            _job = null;
            _error = null;
            for (int i = 0; i < s_spares.Length; i++)
            {
                if (Interlocked.CompareExchange(ref s_spares[i], this, null) is null)
                {
                    return;
                }
            }
        }
    }

    /// <summary>A worker thread: takes one offered job at a time, spins for the next, then sleeps until offered one.</summary>
    private sealed class Worker
    {
        private static readonly object s_grow = new();
        private static Worker[] s_workers = [];

        /// <summary>
        /// The worker's sleep. An <see cref="AutoResetEvent"/>, not a <see cref="ManualResetEventSlim"/>: the slim
        /// event's <c>Set</c> takes a lock when someone waits, where an interrupted caller would throw after its
        /// job was handed over. A <c>Set</c> that finds nobody waiting only makes the next wait return at once.
        /// </summary>
        private readonly AutoResetEvent _wake = new(false);
        private TileRunner? _offered;
        /// <summary>1 while the worker may be blocked on <see cref="_wake"/>.</summary>
        private int _sleeping;

        private Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"CustomizedLinear worker {index + 1}" };
            thread.Start();
        }

        /// <summary>Worker <paramref name="index"/>; <see cref="EnsureCount"/> made it.</summary>
        public static Worker At(int index) => Volatile.Read(ref s_workers)[index];

        /// <summary>Makes workers until there are <paramref name="count"/>.</summary>
        public static void EnsureCount(int count)
        {
            if (count <= Volatile.Read(ref s_workers).Length)
            {
                return;
            }

            lock (s_grow)
            {
                Worker[] workers = s_workers;
                // Published one by one: a thread that fails to start must not orphan those started before it.
                for (int i = workers.Length; i < count; i++)
                {
                    var grown = new Worker[i + 1];
                    s_workers.CopyTo(grown, 0);
                    grown[i] = new Worker(i);
                    Volatile.Write(ref s_workers, grown);
                }
            }
        }

        /// <summary>Hands <paramref name="runner"/> to this worker unless it holds a job already.</summary>
        public bool Offer(TileRunner runner)
        {
            if (Interlocked.CompareExchange(ref _offered, runner, null) is not null)
            {
                return false;
            }

            // The exchange above is a full fence: the read below cannot move before it (see Loop for the other side).
            if (Volatile.Read(ref _sleeping) != 0)
            {
                _wake.Set();
            }

            return true;
        }

        private void Loop()
        {
            while (true)
            {
                TileRunner? runner = Volatile.Read(ref _offered);
                if (runner is null)
                {
                    long until = Stopwatch.GetTimestamp() + SpinTicks;
                    while ((runner = Volatile.Read(ref _offered)) is null && Stopwatch.GetTimestamp() < until)
                    {
                        Thread.SpinWait(20);
                    }
                }

                if (runner is null)
                {
                    // Announce the sleep before the last look, with a full fence between them (a plain store could pass the
                    // load), so that an offer made in between is either seen here or sees the announcement and wakes us.
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref _offered) is null)
                    {
                        _wake.WaitOne();
                    }

                    Volatile.Write(ref _sleeping, 0);
                    continue;
                }

                // The slot is free once the tiles are taken, before the runner is let go: the caller's next layer
                // may be offered already, and a refused offer would run that layer on one thread.
                runner.TakeTiles();
                Volatile.Write(ref _offered, null);
                runner.Leave();
            }
        }
    }
}
