namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>An SMS as Kannel routed it back to the test: to whom, from which sender id, its text and Kannel's coding (0 GSM, 2 UCS-2).</summary>
public sealed record RoutedSms(string To, string From, string Text, string Coding);
