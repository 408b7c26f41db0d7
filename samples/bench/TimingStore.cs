using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using Bpm.Engine.Ports;

namespace Bpm.Bench;

/// <summary>
/// Wraps the engine's store and times every call through the port (open, load, find, save, dispose), so a
/// command's time splits into time in the store (SQL, connection pool, EF change tracking) and time outside it
/// (deciding, journal hashing, building the result). Built with <see cref="DispatchProxy"/>, so it times whatever
/// the port declares without being edited when the port grows.
/// </summary>
internal sealed class TimingStore
{
    private readonly ConcurrentDictionary<string, Counter> _calls = new(StringComparer.Ordinal);

    public TimingStore(IEngineStore inner)
    {
        Store = Timed<IEngineStore>.Wrap(inner, this);
    }

    /// <summary>The timed store to give the engine.</summary>
    public IEngineStore Store { get; }

    public sealed class Counter
    {
        public long Calls;
        public long Ticks;
    }

    public IReadOnlyDictionary<string, Counter> Calls => _calls;

    public void Reset() => _calls.Clear();

    private void Record(string call, long start)
    {
        var elapsed = Stopwatch.GetTimestamp() - start;
        var counter = _calls.GetOrAdd(call, _ => new Counter());
        Interlocked.Increment(ref counter.Calls);
        Interlocked.Add(ref counter.Ticks, elapsed);
    }

    /// <summary>Times each call until its task completes; sessions the store opens are wrapped too.</summary>
    public class Timed<T> : DispatchProxy where T : class
    {
        private T _inner = null!;
        private TimingStore _timing = null!;

        public static T Wrap(T inner, TimingStore timing)
        {
            var proxy = Create<T, Timed<T>>();
            var timed = (Timed<T>)(object)proxy;
            timed._inner = inner;
            timed._timing = timing;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(method);
            var name = Name(method);
            var start = Stopwatch.GetTimestamp();
            object? result;
            try
            {
                result = method.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is { } inner)
            {
                _timing.Record(name, start);
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
                throw;
            }
            switch (result)
            {
                case Task<IEngineSession> open:
                    return Opened(open, name, start);
                case Task task:
                    // The caller gets the very same task; the time is taken when it completes.
                    task.ContinueWith(_ => _timing.Record(name, start), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    return task;
                case ValueTask valueTask:
                    var asTask = valueTask.AsTask();
                    asTask.ContinueWith(_ => _timing.Record(name, start), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    return new ValueTask(asTask);
                default:
                    _timing.Record(name, start);
                    return result;
            }
        }

        private async Task<IEngineSession> Opened(Task<IEngineSession> open, string name, long start)
        {
            var session = await open;
            _timing.Record(name, start);
            return Timed<IEngineSession>.Wrap(session, _timing);
        }

        private static readonly ConcurrentDictionary<MethodInfo, string> Names = new();

        // Overloads (FindDefinitionAsync by id, or by code and version) are told apart by their parameters.
        private static string Name(MethodInfo method) => Names.GetOrAdd(method, m =>
            m.DeclaringType!.GetMethods().Count(o => o.Name == m.Name) > 1
                ? $"{m.Name}({string.Join(",", m.GetParameters().Where(p => p.ParameterType != typeof(CancellationToken)).Select(p => p.Name))})"
                : m.Name);
    }
}
