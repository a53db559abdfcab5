namespace Recovery.AuthServer.Customers;

/// <summary>A card as the bank's systems send it: the PAN in clear, only in transit.</summary>
public sealed record DirectoryCard(string CardNumber, string Expiry)
{
    /// <summary>Never the PAN: a record's generated ToString would otherwise put it in any log that formats one.</summary>
    public override string ToString() => "DirectoryCard { CardNumber = ***, Expiry = " + Expiry + " }";
}
