using System;
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
/// the calling thread and up to <c>degree − 1</c> thread-pool work items taking tiles until none is left.
/// </summary>
/// <remarks>
/// <para>
/// Why not <c>Parallel.For</c>: it allocates its options, a closure, a loop state and tasks on every call (about
/// 1 KB), and a training step makes a dozen such calls. Here the job is a struct on the caller's stack, reached
/// by the workers through a pointer while the caller waits for every tile, and the runner that carries it
/// (an <see cref="IThreadPoolWorkItem"/> with its own event) is rented from a small pool: once a few runners exist
/// a call allocates nothing. What is left is the thread pool's own queueing of the work items (no allocation
/// per item once its queue segments exist).
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
        int share = (int)(((long)batch + degree - 1) / degree);
        rows = (int)Math.Min(batch, ((long)share + group - 1) / group * group);
        return rows == 0 ? 0 : (batch + rows - 1) / rows;
    }

    /// <summary>Runs tiles <c>0 … tiles − 1</c> of <paramref name="job"/> on the calling thread and up to <c>degree − 1</c> others; returns when all are done.</summary>
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

        TileRunner runner = TileRunner.Rent();
        runner.Run(Unsafe.AsPointer(ref job), &Invoke<TJob>, tiles, Math.Min(degree, tiles) - 1);
    }

    private static void Invoke<TJob>(void* job, int tile)
        where TJob : struct, ITileJob, allows ref struct =>
        Unsafe.AsRef<TJob>(job).Run(tile);

    /// <summary>One job in flight: the tiles still to claim, the tiles still running, and who still holds the runner.</summary>
    private sealed class TileRunner : IThreadPoolWorkItem
    {
        /// <summary>Spare runners. A runner goes back only when its last holder leaves, so a late worker never sees the next job.</summary>
        private static readonly TileRunner?[] s_spares = new TileRunner?[8];

        private readonly ManualResetEventSlim _done = new(false);
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
            _done.Reset();
            Volatile.Write(ref _holders, workers + 1);
            for (int i = 0; i < workers; i++)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }

            TakeTiles();

            // The job lives on this thread's stack: nothing may return before every claimed tile is finished.
            _done.Wait();
            ExceptionDispatchInfo? error = _error;
            Leave();
            error?.Throw();
        }

        void IThreadPoolWorkItem.Execute()
        {
            TakeTiles();
            Leave();
        }

        private void TakeTiles()
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

                if (Interlocked.Decrement(ref _unfinished) == 0)
                {
                    _done.Set();
                }
            }
        }

        private void Leave()
        {
            if (Interlocked.Decrement(ref _holders) != 0)
            {
                return;
            }

            _job = null;
            for (int i = 0; i < s_spares.Length; i++)
            {
                if (Interlocked.CompareExchange(ref s_spares[i], this, null) is null)
                {
                    return;
                }
            }
        }
    }
}
