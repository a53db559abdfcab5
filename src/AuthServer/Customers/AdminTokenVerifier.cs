using Microsoft.Extensions.Options;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Customers;

/// <summary>The admin tokens of <see cref="DirectoryOptions.AdminTokens"/>.</summary>
public sealed class AdminTokenVerifier(IOptions<DirectoryOptions> options) : ServiceTokens(options.Value.AdminTokens, "admin");
