namespace Recovery.Client.CommandLine.Commands;

/// <summary>The server answered, but not what the flow needs (e.g. a session where a change ticket was due).</summary>
internal sealed class StepFailedException(string message, string? hint = null) : Exception(message)
{
    public string? Hint { get; } = hint;
}
