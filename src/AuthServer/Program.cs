using Microsoft.Extensions.Options;
using Recovery.AuthServer.Hosting;

if (Argon2Calibration.IsRequested(args))
{
    return Argon2Calibration.Run(args, Console.Out);
}

if (HelpText.IsRequested(args))
{
    Console.WriteLine(HelpText.Text);
    return 0;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddRecoveryOptions()
    .AddRecoveryStorage()
    .AddRecoveryDomain()
    .AddRecoveryNotifications()
    .AddRecoveryGrpc()
    .AddRecoveryAuthentication()
    .AddRecoveryObservability();

var optionsTypes = StartupValidation.OptionsTypes(builder.Services);
var app = builder.Build();

// A bad configuration is the operator's to fix: every problem, one line each, no stack trace, exit code 2.
if (await StartupValidation.CollectAndBindAsync(app.Services, optionsTypes) is { Count: > 0 } failures)
{
    await Console.Error.WriteLineAsync(StartupValidation.Report(failures));
    return StartupValidation.ExitCode;
}

app.UseRecoveryAuthentication();
app.MapRecoveryEndpoints();

try
{
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (StartupValidation.Failures(ex) is { } late)
{
    // Found only while starting (a check a hosted service makes): the same report.
    await Console.Error.WriteLineAsync(StartupValidation.Report(late));
    return StartupValidation.ExitCode;
}

/// <summary>Exposed for the in-process integration tests.</summary>
public partial class Program;
