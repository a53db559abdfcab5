namespace Recovery.AuthServer.Common;

/// <summary>The languages of customer-facing text. Spanish (es-ES) is the default.</summary>
public enum Language
{
    Spanish,
    English,
}
