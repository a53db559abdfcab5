using Recovery.Client;
using Recovery.Client.CommandLine;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The AuthClient command line as System.CommandLine parses it, before any call: usage errors exit 2 and name the
/// problem, help wins over a mistake, values may look like options, completion answers the <c>[suggest]</c> directive.
/// No server: a usage error must never reach one (the server URL below is a closed loopback port).
/// </summary>
public sealed class CliParsingTests
{
    private const string NoServer = "http://127.0.0.1:9";

    [Theory]
    [InlineData("Unrecognized command or argument '--bogus'", "recover", "--bogus")]
    [InlineData("Unrecognized command or argument 'frobnicate'", "frobnicate")]
    [InlineData("Unrecognized command or argument 'extra'", "recover", "extra")]
    [InlineData("'--card'", "recover", "--no-input", "--card")]
    [InlineData("Option '--card' expects a single argument but 2 were provided", "recover", "--card", "1", "--card", "2")]
    [InlineData("Option '--card' expects a single argument but 2 were provided", "recover", "--card=1", "--card", "2")]
    [InlineData("Option --card belongs to 'recover' and must follow the command name", "--card", "4548812044110335", "recover")]
    [InlineData("Option --timeout needs a number of seconds greater than 0", "recover", "--no-input", "--timeout", "0")]
    [InlineData("Option --server needs an absolute http:// or https:// URL, not 'ftp://x'", "recover", "--no-input", "--server", "ftp://x")]
    public async Task Run_BadCommandLine_UsageErrorExitTwoNamingTheProblem(string expected, params string[] args)
    {
        var (exitCode, stdout, stderr) = await RunAsync(args);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Contains("--help' for usage.", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("recover", "--help")]
    [InlineData("help", "recover")]
    [InlineData("recover", "--bogus", "--help")]
    public async Task Run_HelpAsked_HelpOnStdoutExitZeroEvenWithAMistake(params string[] args)
    {
        var (exitCode, stdout, stderr) = await RunAsync(args);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains(args.Contains("recover") ? "Usage: AuthClient recover [options]" : "Usage: AuthClient [global options] <command> [options]", stdout, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0", stdout, StringComparison.Ordinal);
        Assert.Equal("", stderr);
    }

    [Fact]
    public async Task Run_NoCommand_ToolHelpOnStderrExitTwo()
    {
        var (exitCode, stdout, stderr) = await RunAsync();

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("Commands:", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Theory]
    [InlineData("-hh")]
    [InlineData("@passwords.txt")]
    [InlineData("--not-an-option")]
    public async Task Run_ValueThatLooksLikeAnOptionOrResponseFile_TakenAsTheValue(string password)
    {
        // Bundling would read "-hh" as help, a response file would open "@passwords.txt": either way the password the
        // user typed would not be the one sent. Nothing else is given, so the tool stops at the missing card (no input
        // to prompt from), which proves the line parsed.
        var (exitCode, _, stderr) = await RunAsync("recover", "--no-input", "--new-password", password, "--server", NoServer);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--card", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unrecognized", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(password, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--server", NoServer, "recover")]
    [InlineData("recover", "--server", NoServer)]
    public async Task Run_GlobalOptionBeforeOrAfterTheCommand_Accepted(params string[] args)
    {
        var (exitCode, _, stderr) = await RunAsync([.. args, "--no-input"]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--card", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unrecognized", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rec", "recover")]
    [InlineData("recover --ca", "--captcha", "--card")]
    [InlineData("burst --cu", "--customers")]
    public async Task Run_SuggestDirective_CompletesCommandsAndTheirOptions(string line, params string[] expected)
    {
        var (exitCode, stdout, _) = await RunAsync($"[suggest:{line.Length}]", line);

        var suggestions = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(expected, suggestions);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await Cli.RunAsync(args, stdout, stderr, TextReader.Null).WaitAsync(TimeSpan.FromSeconds(30));
        return (exitCode, stdout.ToString(), stderr.ToString());
    }
}
