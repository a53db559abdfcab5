using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>Runs an authentication handler as the authentication service would, on a request with the given headers.</summary>
internal static class SchemeHarness
{
    public static IOptionsMonitor<AuthenticationSchemeOptions> Options { get; } = new SchemeOptionsMonitor();

    public static DefaultHttpContext Request(string path, params (string Name, string? Value)[] headers)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.Path = path;
        foreach (var (name, value) in headers)
        {
            if (value is not null)
            {
                http.Request.Headers.Append(name, value);
            }
        }

        return http;
    }

    public static async Task<AuthenticateResult> AuthenticateAsync(IAuthenticationHandler handler, string scheme, HttpContext http)
    {
        await handler.InitializeAsync(new AuthenticationScheme(scheme, null, handler.GetType()), http);
        return await handler.AuthenticateAsync();
    }

    private sealed class SchemeOptionsMonitor : IOptionsMonitor<AuthenticationSchemeOptions>
    {
        public AuthenticationSchemeOptions CurrentValue => new();

        public AuthenticationSchemeOptions Get(string? name) => new();

        public IDisposable? OnChange(Action<AuthenticationSchemeOptions, string?> listener) => null;
    }
}
