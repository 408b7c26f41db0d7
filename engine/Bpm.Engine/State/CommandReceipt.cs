namespace Bpm.Engine.State;

/// <summary>The stored result of a command sent with an idempotency key; a repeat returns it unchanged.</summary>
public sealed class CommandReceipt
{
    public string Key { get; set; } = "";
    public Guid CaseId { get; set; }
    public string Command { get; set; } = "";
    public string Result { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}
