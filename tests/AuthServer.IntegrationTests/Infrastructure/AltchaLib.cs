using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Recovery.AuthServer.SharedTests;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// The npm package altcha-lib (an independent ALTCHA implementation), driven through
/// <c>Altcha/altcha-lib.mjs</c> with node. scripts/test.sh installs it into <c>.tools/</c>; a missing node or
/// package fails the test with the command that fixes it (never a silent skip, in CI or anywhere).
/// </summary>
internal static class AltchaLib
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static async Task<JsonNode> RunAsync(JsonObject request)
    {
        var root = RepositoryRoot.Path;
        var module = Path.Combine(root, ".tools", "node_modules", "altcha-lib", "dist", "esm", "v1", "index.js");
        Assert.True(File.Exists(module), $"altcha-lib is not installed at {module}: run scripts/test.sh, or npm install --prefix .tools altcha-lib@2.8.0");
        var script = Path.Combine(root, "tests", "AuthServer.IntegrationTests", "Altcha", "altcha-lib.mjs");

        var start = new ProcessStartInfo("node", [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ALTCHA_LIB"] = module },
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("node is needed by the ALTCHA compatibility tests (Debian: apt-get install nodejs).", ex);
        }

        using (process)
        {
            await process.StandardInput.WriteAsync(request.ToJsonString());
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(Timeout);
            Assert.True(process.ExitCode == 0, $"altcha-lib.mjs exited {process.ExitCode}: {await stderr}");
            return JsonNode.Parse(await stdout) ?? throw new InvalidOperationException("altcha-lib.mjs printed nothing.");
        }
    }
}
