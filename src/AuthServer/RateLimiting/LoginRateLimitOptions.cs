using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.RateLimiting;

/// <summary>
/// Limits on Login, bound from <c>RateLimits:Login:*</c>, taken before the lookup and the hash and applied to
/// known and unknown user codes alike, so a limit never tells whether a user code exists. They keep one client
/// address from blocking customers by the thousand: at 5 wrong passwords a block, the default per-address limit
/// lets one address block at most 12 user codes an hour.
/// </summary>
public sealed class LoginRateLimitOptions
{
    public const string Section = "RateLimits:Login";

    /// <summary>Per user code (keyed hash). Default 10 per hour: five tries block anyway; this bounds the rest.</summary>
    [Required]
    [ValidateObjectMembers]
    public RateLimitRule PerUserCode { get; set; } = RateLimitRule.Of(10, TimeSpan.FromHours(1));

    /// <summary>Per customer address as reported by the channel (<c>x-client-address</c>). Default 60 per hour.</summary>
    [Required]
    [ValidateObjectMembers]
    public RateLimitRule PerClientAddress { get; set; } = RateLimitRule.Of(60, TimeSpan.FromHours(1));

    /// <summary>Per channel (<c>x-channel</c>). Default 1000 per second.</summary>
    [Required]
    [ValidateObjectMembers]
    public RateLimitRule PerChannel { get; set; } = RateLimitRule.Of(1000, TimeSpan.FromSeconds(1));
}
