using Hl7.Fhir.Model;
using Samjournal.Fhir.Indexing;

namespace Samjournal.Tests.Indexing;

public class TextSearchTests
{
    [Fact]
    public void Words_are_normalised_split_on_anything_but_letters_and_digits_and_kept_once()
    {
        Assert.Equal(["pasient", "odegard", "har", "feber", "38", "5"], TextSearch.Words("Pasient Ødegård har feber, 38.5 — ØDEGÅRD!"));
        Assert.Empty(TextSearch.Words(" -- "));
    }

    [Fact]
    public void The_narrative_is_read_without_markup_and_with_entities_decoded()
    {
        Assert.Equal(["a", "b", "c"], TextSearch.Words(TextSearch.NarrativeText("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>a<br/>b &amp; c</p></div>")));
    }

    [Fact]
    public void Text_holds_the_narrative_and_content_adds_every_string_but_not_codes()
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("urn:test", "kode123", "Hemoglobin"),
            Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">Blodprøve</div>" },
            Note = [new Annotation { Text = "Tatt på Ålesund sykehus" }],
        };

        var entries = IndexExtractor.Extract(observation);

        Assert.Equal(" blodprove ", entries.Texts.Single(t => t.Param == "_text").Words);
        var content = entries.Texts.Single(t => t.Param == "_content").Words;
        Assert.StartsWith(" blodprove ", content, StringComparison.Ordinal);
        Assert.Equal(
            new[] { "alesund", "blodprove", "hemoglobin", "pa", "sykehus", "tatt" },
            content.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }
}
