using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.RateLimiting;

/// <summary>
/// Limits on opening recoveries, bound from <c>RateLimits:*</c>. Applied to known and unknown cards
/// alike, so a limit never tells an attacker whether a card exists.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Per card (keyed hash of the PAN). Default 5 per hour.</summary>
    [Required]
    [ValidateObjectMembers]
    public RateLimitRule PerCard { get; set; } = RateLimitRule.Of(5, TimeSpan.FromHours(1));

    /// <summary>Per identity document. Default 5 per hour.</summary>
    [Required]
    [ValidateObjectMembers]
    public RateLimitRule PerDocument { get; set; } = RateLimitRule.Of(5, TimeSpan.FromHours(1));

    /// <summary>Per customer address as reported by the channel (<c>x-client-address</c>). Default 30 per hour.</summary>
    [Required]
    [ValidateObjectMembers]
    public RateLimitRule PerClientAddress { get; set; } = RateLimitRule.Of(30, TimeSpan.FromHours(1));

    /// <summary>Per channel (<c>x-channel</c>). Default 500 per second.</summary>
    [Required]
    [ValidateObjectMembers]
    public RateLimitRule PerChannel { get; set; } = RateLimitRule.Of(500, TimeSpan.FromSeconds(1));
}
