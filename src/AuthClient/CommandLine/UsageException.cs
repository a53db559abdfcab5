namespace Recovery.Client.CommandLine;

/// <summary>The command line is wrong (exit code 2), as opposed to a step that failed (exit code 1).</summary>
internal sealed class UsageException(string message) : Exception(message);
