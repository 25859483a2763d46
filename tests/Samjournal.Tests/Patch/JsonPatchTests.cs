using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Patch;

namespace Samjournal.Tests.Patch;

public class JsonPatchTests
{
    [Theory]
    [InlineData("""{"op":"add","path":"/a"}""")]
    [InlineData("""{"path":"/a","value":1}""")]
    [InlineData("""{"op":"frobnicate","path":"/a"}""")]
    [InlineData("""{"op":"remove","path":"a"}""")]
    [InlineData("""{"op":"remove","path":"/a~2"}""")]
    [InlineData("""{"op":"remove","path":"/a~"}""")]
    [InlineData("""{"op":"remove","path":7}""")]
    [InlineData("""{"op":"move","path":"/a"}""")]
    [InlineData("""{"op":"copy","from":"nope","path":"/a"}""")]
    [InlineData("\"add\"")]
    public void malformed_operation_is_a_400_naming_its_index(string operation)
    {
        var patch = JsonNode.Parse($$"""[{"op":"test","path":"/x","value":1}, {{operation}}]""");

        var error = Assert.Throws<FhirOperationException>(() => JsonPatch.Apply(Json("""{"x":1}"""), patch));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Contains("operation [1]", error.Message);
    }

    [Theory]
    [InlineData("""{"op":"add"}""")]
    [InlineData("null")]
    public void patch_document_that_is_not_an_array_is_a_400(string document)
    {
        var error = Assert.Throws<FhirOperationException>(() => JsonPatch.Apply(Json("{}"), JsonNode.Parse(document)));
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
    }

    [Fact]
    public void malformed_operation_after_a_failing_one_is_still_a_400()
    {
        var patch = JsonNode.Parse("""[{"op":"remove","path":"/missing"}, {"op":"bogus","path":""}]""");
        var error = Assert.Throws<FhirOperationException>(() => JsonPatch.Apply(Json("{}"), patch));
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
    }

    [Theory]
    [InlineData("""{"op":"remove","path":"/missing"}""", "/missing")]
    [InlineData("""{"op":"replace","path":"/missing","value":1}""", "/missing")]
    [InlineData("""{"op":"remove","path":"/arr/3"}""", "/arr/3")]
    [InlineData("""{"op":"remove","path":"/arr/-"}""", "/arr/-")]
    [InlineData("""{"op":"remove","path":"/arr/01"}""", "/arr/01")]
    [InlineData("""{"op":"add","path":"/arr/4","value":1}""", "/arr/4")]
    [InlineData("""{"op":"add","path":"/arr/x","value":1}""", "/arr/x")]
    [InlineData("""{"op":"add","path":"/s/x","value":1}""", "/s/x")]
    [InlineData("""{"op":"copy","from":"/nope","path":"/b"}""", "/b")]
    [InlineData("""{"op":"move","from":"/o","path":"/o/inner"}""", "/o/inner")]
    [InlineData("""{"op":"test","path":"/n","value":2}""", "/n")]
    [InlineData("""{"op":"remove","path":""}""", "\"\"")]
    public void operation_that_cannot_apply_is_a_422_naming_index_and_path(string operation, string path)
    {
        var patch = JsonNode.Parse($$"""[{"op":"test","path":"/n","value":1}, {{operation}}]""");

        var error = Assert.Throws<FhirOperationException>(
            () => JsonPatch.Apply(Json("""{"n":1,"s":"text","o":{},"arr":[1,2,3]}"""), patch));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Contains("operation [1]", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void numbers_are_compared_by_value_and_objects_without_order()
    {
        var patch = JsonNode.Parse("""
            [{"op":"test","path":"/n","value":1.0},
             {"op":"test","path":"/o","value":{"b":[1e0,null,true],"a":"x"}}]
            """);

        var result = JsonPatch.Apply(Json("""{"n":1,"o":{"a":"x","b":[1,null,true]}}"""), patch);

        Assert.True(JsonNode.DeepEquals(Json("""{"n":1,"o":{"a":"x","b":[1,null,true]}}"""), result));
    }

    [Theory]
    [InlineData("""{"op":"test","path":"/v","value":false}""")]
    [InlineData("""{"op":"test","path":"/v","value":null}""")]
    [InlineData("""{"op":"test","path":"/a","value":[2,1]}""")]
    [InlineData("""{"op":"test","path":"/o","value":{"k":1,"extra":2}}""")]
    public void test_does_not_coerce_kinds_or_reorder_arrays(string operation)
    {
        var error = Assert.Throws<FhirOperationException>(
            () => JsonPatch.Apply(Json("""{"v":0,"a":[1,2],"o":{"k":1}}"""), JsonNode.Parse($"[{operation}]")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
    }

    [Fact]
    public void pointer_escapes_and_array_end_work_for_add_copy_and_move()
    {
        var patch = JsonNode.Parse("""
            [{"op":"add","path":"/a~1b","value":{"m~n":[]}},
             {"op":"add","path":"/a~1b/m~0n/-","value":"first"},
             {"op":"add","path":"/a~1b/m~0n/0","value":"zeroth"},
             {"op":"copy","from":"/a~1b/m~0n/1","path":"/copied"},
             {"op":"move","from":"/a~1b/m~0n/0","path":"/a~1b/m~0n/-"},
             {"op":"add","path":"/","value":"empty key"}]
            """);

        var result = JsonPatch.Apply(Json("{}"), patch);

        Assert.True(
            JsonNode.DeepEquals(Json("""{"a/b":{"m~n":["first","zeroth"]},"copied":"first","":"empty key"}"""), result),
            result?.ToJsonString());
    }

    [Fact]
    public void copied_values_do_not_share_state_with_their_source()
    {
        var patch = JsonNode.Parse("""
            [{"op":"copy","from":"/o","path":"/p"},
             {"op":"add","path":"/p/k","value":2}]
            """);

        var result = JsonPatch.Apply(Json("""{"o":{"k":1}}"""), patch);

        Assert.True(JsonNode.DeepEquals(Json("""{"o":{"k":1},"p":{"k":2}}"""), result), result?.ToJsonString());
    }

    [Fact]
    public void the_root_can_be_replaced_and_the_input_is_never_changed()
    {
        var input = Json("""{"a":1}""");

        var result = JsonPatch.Apply(input, JsonNode.Parse("""[{"op":"replace","path":"","value":[1]}]"""));

        Assert.True(JsonNode.DeepEquals(Json("[1]"), result));
        Assert.True(JsonNode.DeepEquals(Json("""{"a":1}"""), input));
    }

    [Fact]
    public void a_failing_patch_leaves_the_input_untouched()
    {
        var input = Json("""{"a":1}""");
        var patch = JsonNode.Parse("""[{"op":"remove","path":"/a"},{"op":"test","path":"/a","value":1}]""");

        Assert.Throws<FhirOperationException>(() => JsonPatch.Apply(input, patch));

        Assert.True(JsonNode.DeepEquals(Json("""{"a":1}"""), input));
    }

    [Fact]
    public void resource_bytes_are_patched_into_an_object()
    {
        var resource = Encoding.UTF8.GetBytes("""{"resourceType":"Patient","active":true}""");
        var patch = JsonNode.Parse("""[{"op":"replace","path":"/active","value":false},{"op":"add","path":"/gender","value":"male"}]""");

        var result = JsonPatch.Apply(resource, patch);

        Assert.True(JsonNode.DeepEquals(Json("""{"resourceType":"Patient","active":false,"gender":"male"}"""), result));
    }

    [Fact]
    public void a_resource_patched_into_a_non_object_is_a_422()
    {
        var resource = Encoding.UTF8.GetBytes("""{"resourceType":"Patient"}""");
        var patch = JsonNode.Parse("""[{"op":"replace","path":"","value":"gone"}]""");

        var error = Assert.Throws<FhirOperationException>(() => JsonPatch.Apply(resource, patch));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
    }

    private static JsonNode? Json(string json) => JsonNode.Parse(json);
}
