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
    .AddRecoveryObservability();

var app = builder.Build();
app.MapRecoveryEndpoints();

try
{
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    // A bad configuration is the operator's to fix: say what, without a stack trace.
    await Console.Error.WriteLineAsync("AuthServer cannot start; configuration errors:\n  " + string.Join("\n  ", ex.Failures));
    return 2;
}

/// <summary>Exposed for the in-process integration tests.</summary>
public partial class Program;
