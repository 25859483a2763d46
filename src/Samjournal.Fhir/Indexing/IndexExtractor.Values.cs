using Hl7.Fhir.Model;

namespace Samjournal.Fhir.Indexing;

public static partial class IndexExtractor
{
    private static void AddToken(List<TokenEntry> tokens, string param, Base value)
    {
        switch (value)
        {
            case Coding coding:
                AddCoding(tokens, param, coding);
                break;
            case CodeableConcept concept:
                foreach (var coding in concept.Coding)
                {
                    AddCoding(tokens, param, coding);
                }

                // The concept's own text gets an entry of its own, for :text.
                if (!string.IsNullOrEmpty(concept.Text))
                {
                    tokens.Add(new TokenEntry(param, null, null, concept.Text));
                }

                break;
            case Identifier identifier:
                if (identifier.Value is not null || identifier.System is not null)
                {
                    AddIdentifier(tokens, param, identifier);
                }

                break;
            case ContactPoint contact:
                // Token search on a ContactPoint matches its value; the use (home, work...) is kept
                // as the system so "work|..." can narrow it.
                if (!string.IsNullOrEmpty(contact.Value))
                {
                    tokens.Add(new TokenEntry(param, contact.UseElement?.JsonValue as string, contact.Value, null));
                }

                break;
            default:
                // code, boolean, id, uri, string: the value is the code, the system is implicit.
                if (Text(value) is { } code)
                {
                    tokens.Add(new TokenEntry(param, null, code, null));
                }

                break;
        }
    }

    /// <summary>One entry per coding of the identifier's type (for <c>:of-type</c>), or one without
    /// a type when it has none.</summary>
    private static void AddIdentifier(List<TokenEntry> tokens, string param, Identifier identifier)
    {
        var text = identifier.Type?.Text;
        var typed = false;
        foreach (var type in identifier.Type?.Coding ?? [])
        {
            if (type.Code is not null)
            {
                tokens.Add(new TokenEntry(param, identifier.System, identifier.Value, text, type.System, type.Code));
                typed = true;
            }
        }

        if (!typed)
        {
            tokens.Add(new TokenEntry(param, identifier.System, identifier.Value, text));
        }
    }

    private static void AddCoding(List<TokenEntry> tokens, string param, Coding coding)
    {
        if (coding.Code is not null || coding.System is not null)
        {
            tokens.Add(new TokenEntry(param, coding.System, coding.Code, coding.Display));
        }
    }

    private static void AddString(List<StringEntry> strings, string param, Base value)
    {
        switch (value)
        {
            case HumanName name:
                AddString(strings, param, name.Family);
                AddStrings(strings, param, name.Given);
                AddString(strings, param, name.Text);
                AddStrings(strings, param, name.Prefix);
                AddStrings(strings, param, name.Suffix);
                break;
            case Address address:
                AddStrings(strings, param, address.Line);
                AddString(strings, param, address.City);
                AddString(strings, param, address.District);
                AddString(strings, param, address.State);
                AddString(strings, param, address.PostalCode);
                AddString(strings, param, address.Country);
                AddString(strings, param, address.Text);
                break;
            default:
                AddString(strings, param, Text(value));
                break;
        }
    }

    private static void AddStrings(List<StringEntry> strings, string param, IEnumerable<string?>? values)
    {
        if (values is null)
        {
            return;
        }

        foreach (var value in values)
        {
            AddString(strings, param, value);
        }
    }

    private static void AddString(List<StringEntry> strings, string param, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            strings.Add(new StringEntry(param, StringNormalizer.Normalize(value), value));
        }
    }

    private static void AddReference(List<ReferenceEntry> references, string param, Base value)
    {
        switch (value)
        {
            case ResourceReference reference:
                var identifierSystem = reference.Identifier?.System;
                var identifierValue = reference.Identifier?.Value;
                var parsed = ReferenceText.Parse(reference.Reference);
                switch (parsed.Kind)
                {
                    case ReferenceKind.Relative:
                        references.Add(new ReferenceEntry(param, parsed.Type, parsed.Id, null, identifierSystem, identifierValue));
                        break;
                    case ReferenceKind.AbsoluteWithTypeAndId or ReferenceKind.Absolute:
                        // Absolute URLs (including urn:uuid:) stay URLs; a later layer recognises its
                        // own server base and turns those into local references.
                        references.Add(new ReferenceEntry(param, null, null, reference.Reference, identifierSystem, identifierValue));
                        break;
                    case ReferenceKind.None when !string.IsNullOrWhiteSpace(reference.Reference):
                        // Not Type/id and not absolute: keep the text rather than lose it.
                        references.Add(new ReferenceEntry(param, null, null, reference.Reference, identifierSystem, identifierValue));
                        break;
                    default:
                        // #contained (not searchable across resources) or only an identifier.
                        if (identifierSystem is not null || identifierValue is not null)
                        {
                            references.Add(new ReferenceEntry(param, null, null, null, identifierSystem, identifierValue));
                        }

                        break;
                }

                break;
            default:
                // canonical and uri values of reference parameters (e.g. Questionnaire canonicals).
                if (value is PrimitiveType && Text(value) is { } url)
                {
                    references.Add(new ReferenceEntry(param, null, null, url));
                }

                break;
        }
    }
}
