namespace Recovery.Client.CommandLine.Commands;

/// <summary><c>import</c>: streams a CSV or JSON file of customers through DirectoryService.ImportCustomers.</summary>
internal sealed class ImportCommand : ICliCommand
{
    private const string FileOption = "--file";

    public string Name => "import";

    public string Summary => "Import customers from a CSV or JSON file (DirectoryService.ImportCustomers, admin).";

    public string Description =>
        "Reads the file whole (a malformed file sends nothing), streams its customers through ImportCustomers and\n" +
        "prints the counts: imported, already existing (left unchanged) and rejected, with the first rejections.\n" +
        $"CSV: a header row naming the columns, one customer and at most one card per row. JSON (*.json): an array\n" +
        $"of objects with the same names. Columns: {string.Join(',', CustomerFile.Columns)}.\n" +
        "The whole import is one call: raise --timeout for large files. Exits 1 when any customer was rejected.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new(FileOption, "FILE", "The customers: *.csv or *.json. Required."),
        AdminToken.Spec,
    ];

    public IReadOnlyList<string> Examples { get; } =
    [
        "AuthClient import --file customers.csv --admin-token \"$TOKEN\"",
        "RECOVERY_ADMIN_TOKEN=... AuthClient --timeout 600 import --file customers.json",
    ];

    public async Task<int> RunAsync(CliContext context, ParsedOptions options, CancellationToken cancellationToken)
    {
        var path = options.Get(FileOption) ?? throw new UsageException($"missing {FileOption}");
        var customers = await CustomerFile.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        var token = await AdminToken.RequireAsync(context, options, cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await context.Directory(token, context.Global.Timeout).ImportCustomersAsync(customers, cancellationToken).ConfigureAwait(false);
            var output = context.Out;
            await output.WriteLineAsync($"read: {customers.Count}").ConfigureAwait(false);
            await output.WriteLineAsync($"imported: {result.Imported}").ConfigureAwait(false);
            await output.WriteLineAsync($"already existing: {result.AlreadyExisting}").ConfigureAwait(false);
            await output.WriteLineAsync($"rejected: {result.Rejected}").ConfigureAwait(false);
            foreach (var rejection in result.Rejections)
            {
                var id = rejection.Index < customers.Count ? customers[rejection.Index].CustomerId : "?";
                await output.WriteLineAsync($"  #{rejection.Index} ({id}): {rejection.Reason} {string.Join("; ", rejection.Details)}").ConfigureAwait(false);
            }

            if (result.Rejected > result.Rejections.Count)
            {
                await output.WriteLineAsync($"  ... and {result.Rejected - result.Rejections.Count} more").ConfigureAwait(false);
            }

            return result.Rejected == 0 ? ExitCodes.Success : ExitCodes.StepFailed;
        }
        catch (RecoveryClientException ex)
        {
            context.ReportFailure(Name, ex);
            return ExitCodes.StepFailed;
        }
    }
}
