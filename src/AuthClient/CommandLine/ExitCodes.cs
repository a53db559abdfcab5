namespace Recovery.Client.CommandLine;

/// <summary>Process exit codes of the AuthClient tool.</summary>
public static class ExitCodes
{
    /// <summary>Every step succeeded.</summary>
    public const int Success = 0;

    /// <summary>A step failed: an RPC error, a dev-sink timeout or an unexpected answer.</summary>
    public const int StepFailed = 1;

    /// <summary>The command line was wrong, or a needed value was missing and could not be prompted for.</summary>
    public const int Usage = 2;

    /// <summary>Cancelled with Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
