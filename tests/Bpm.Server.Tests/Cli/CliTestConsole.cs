using Spectre.Console;
using Spectre.Console.Rendering;

namespace Bpm.Server.Tests.Cli;

/// <summary>
/// A Spectre console writing plain text (no colours, no ANSI) into a string, wide enough that table rows do not wrap,
/// with answers to prompts typed in advance. Stands in for the terminal so the CLI's output can be read back.
/// </summary>
public sealed class CliTestConsole : IAnsiConsole
{
    private readonly StringWriter _out = new();
    private readonly IAnsiConsole _inner;
    private readonly ScriptedInput _input;

    public CliTestConsole(bool interactive = false, string typed = "")
    {
        _inner = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(_out),
        });
        _inner.Profile.Width = 400;
        _input = new ScriptedInput(typed);
    }

    public string Output => _out.ToString();

    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Keys typed but not read: a prompt that was expected and never shown leaves them here.</summary>
    public int UnreadKeys => _input.Remaining;

    public Profile Profile => _inner.Profile;
    public IAnsiConsoleCursor Cursor => _inner.Cursor;
    public IAnsiConsoleInput Input => _input;
    public IExclusivityMode ExclusivityMode => _inner.ExclusivityMode;
    public RenderPipeline Pipeline => _inner.Pipeline;
    public void Clear(bool home) => _inner.Clear(home);
    public void Write(IRenderable renderable) => _inner.Write(renderable);

    private sealed class ScriptedInput(string typed) : IAnsiConsoleInput
    {
        private readonly Queue<ConsoleKeyInfo> _keys = new(typed.Select(c => c == '\n'
            ? new ConsoleKeyInfo('\r', ConsoleKey.Enter, false, false, false)
            : new ConsoleKeyInfo(c, ConsoleKey.A, false, false, false)));

        public int Remaining => _keys.Count;

        public bool IsKeyAvailable() => _keys.Count > 0;

        // Running dry means a prompt the test did not expect: fail rather than wait for a key forever.
        public ConsoleKeyInfo? ReadKey(bool intercept) =>
            _keys.Count > 0 ? _keys.Dequeue() : throw new InvalidOperationException("the CLI asked for more input than the test typed");

        public Task<ConsoleKeyInfo?> ReadKeyAsync(bool intercept, CancellationToken cancellationToken) => Task.FromResult(ReadKey(intercept));
    }
}
