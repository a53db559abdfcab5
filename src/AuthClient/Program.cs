namespace Recovery.Client;

internal static class Program
{
    // Everything lives in Cli so that tests can run the same tool in-process.
    private static Task<int> Main(string[] args) => Cli.RunAsync(args);
}
