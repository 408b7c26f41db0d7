using Jint.Native.Json;
using Jint.Parser;
using Jint.Runtime;

namespace Bpm.Engine.Runtime;

/// <summary>Sandbox limits for conditions. A condition is one ES5 expression over <c>data</c>.</summary>
public sealed record ConditionLimits(int MaxStatements = 10_000, TimeSpan? Timeout = null, int MaxRecursion = 64)
{
    public TimeSpan TimeoutOrDefault => Timeout ?? TimeSpan.FromMilliseconds(200);
}

/// <summary>A condition that could not be evaluated; the engine turns it into an incident, never a crash.</summary>
public sealed class ConditionFailedException(string expression, string reason, Exception? inner = null)
    : Exception($"condition '{expression}' failed: {reason}", inner)
{
    public string Expression { get; } = expression;
    public string Reason { get; } = reason;
}

/// <summary>
/// Evaluates flow conditions with Jint 2 in a sandbox: no CLR access (never enabled), and limits on statements,
/// time and recursion, so a condition that loops or recurses forever stops with a reason.
/// </summary>
public sealed class ConditionEvaluator(ConditionLimits limits)
{
    public bool Evaluate(string expression, string dataJson)
    {
        var engine = new Jint.Engine(options => options
            .Strict()
            .MaxStatements(limits.MaxStatements)
            .TimeoutInterval(limits.TimeoutOrDefault)
            .LimitRecursion(limits.MaxRecursion));
        try
        {
            engine.SetValue("data", new JsonParser(engine).Parse(dataJson));
            var value = engine.Execute(expression).GetCompletionValue();
            return TypeConverter.ToBoolean(value);
        }
        catch (StatementsCountOverflowException e) { throw new ConditionFailedException(expression, $"more than {limits.MaxStatements} statements (does it loop forever?)", e); }
        catch (TimeoutException e) { throw new ConditionFailedException(expression, $"ran longer than {limits.TimeoutOrDefault.TotalMilliseconds:0} ms", e); }
        catch (RecursionDepthOverflowException e) { throw new ConditionFailedException(expression, $"recursion deeper than {limits.MaxRecursion}", e); }
        catch (JavaScriptException e) { throw new ConditionFailedException(expression, $"threw {e.Message}", e); }
        catch (ParserException e) { throw new ConditionFailedException(expression, $"does not parse: {e.Message}", e); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or InvalidCastException)
        {
            throw new ConditionFailedException(expression, e.Message, e);
        }
    }
}
