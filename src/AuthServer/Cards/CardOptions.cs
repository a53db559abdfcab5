using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Cards;

/// <summary>Which payment cards identify a customer. Bound from <c>Cards:*</c>.</summary>
public sealed class CardOptions
{
    public const string Section = "Cards";

    /// <summary>Accepted issuer prefixes (digits). Default <c>4</c> and <c>5</c> (the bank's Visa and Mastercard).</summary>
    [MinLength(1)]
    public string[] IssuerPrefixes { get; set; } = ["4", "5"];
}
