namespace Samjournal.Fhir.Indexing;

public static partial class StringNormalizer
{
    // Generated once from Python's unicodedata (NFD decomposition, combining marks dropped, lower
    // case) over Latin-1 Supplement, Latin Extended-A/B and Latin Extended Additional, plus letters
    // without a decomposition but with an obvious ASCII base (ø, æ, đ, ł, ß...). Each character of
    // FoldSource maps to the character at the same position of FoldTarget.
    private const string FoldSource =
        "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïðñòóô"
        + "õöøùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦ"
        + "ħĨĩĪīĬĭĮįİıĴĵĶķĹĺĻļĽľĿŀŁłŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞ"
        + "şŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƒƠơƯưǍǎǏǐǑǒǓǔǕǖǗ"
        + "ǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗ"
        + "ȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛ"
        + "ḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋ"
        + "ṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻ"
        + "ṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẠạẢảẤấẦầẨẩẪẫẬậẮắẰằ"
        + "ẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡ"
        + "ỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ";

    private const string FoldTarget =
        "aaaaaaceeeeiiiidnoooooouuuuyaaaaaaceeeeiiiidnooo"
        + "ooouuuuyyaaaaaaccccccccddddeeeeeeeeeegggggggghhh"
        + "hiiiiiiiiiijjkkllllllllllnnnnnnoooooorrrrrrsssss"
        + "sssttttttuuuuuuuuuuuuwwyyyzzzzzzfoouuaaiioouuuuu"
        + "uuuuuaaaaggkkoooojggnnaaaaaaeeeeiiiioooorrrruuuu"
        + "sstthhaaeeooooooooyyaabbbbbbccddddddddddeeeeeeee"
        + "eeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnn"
        + "oooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuu"
        + "vvvvwwwwwwwwwwxxxxyyzzzzzzhtwyaaaaaaaaaaaaaaaaaa"
        + "aaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooo"
        + "oouuuuuuuuuuuuuuyyyyyyyy";

    // A method, not a field: static field initialisers in different partial files run in no
    // defined order, and Folds is built from this.
    private static (char From, string To)[] MultiFolds() =>
    [
        ('Æ', "ae"),
        ('Þ', "th"),
        ('ß', "ss"),
        ('æ', "ae"),
        ('þ', "th"),
        ('Ĳ', "ij"),
        ('ĳ', "ij"),
        ('Œ', "oe"),
        ('œ', "oe"),
        ('ẞ', "ss"),
    ];
}
