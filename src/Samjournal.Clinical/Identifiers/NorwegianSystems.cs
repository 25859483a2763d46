namespace Samjournal.Clinical.Identifiers;

/// <summary>
/// Identifier systems for Norwegian national identifiers, as the OIDs registered in Volven
/// (Direktoratet for e-helse) and used by the HL7 Norway no-basis profiles.
/// </summary>
public static class NorwegianSystems
{
    /// <summary>Fødselsnummer from Folkeregisteret (also used for its synthetic numbers).</summary>
    public const string Fodselsnummer = "urn:oid:2.16.578.1.12.4.1.4.1";

    /// <summary>D-nummer: for people without a fødselsnummer (day + 40).</summary>
    public const string DNummer = "urn:oid:2.16.578.1.12.4.1.4.2";

    /// <summary>
    /// H-nummer / felles hjelpenummer: a stand-in while the real identity is unknown. Not a
    /// national identifier; merge to the fødselsnummer once it is known.
    /// </summary>
    public const string HNummer = "urn:oid:2.16.578.1.12.4.1.4.3";

    /// <summary>HPR-nummer: Helsepersonellregisteret, for authorised health personnel.</summary>
    public const string HprNummer = "urn:oid:2.16.578.1.12.4.1.4.4";

    /// <summary>Organisasjonsnummer from Enhetsregisteret (Brønnøysund).</summary>
    public const string Organisasjonsnummer = "urn:oid:2.16.578.1.12.4.1.4.101";
}
