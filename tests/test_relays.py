"""Source tracing: article credits, quote relays, media, readers, nested quotes.

Each row: an Arabic text, the content of the quote to look at, its expected
``relayed_by`` (outermost first) and, where it matters, its speaker.  Negative rows
expect no relay (قال لي، a newspaper named as a topic, a city that is also a paper).
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from pipeline.extract import Record, doc_rows


@dataclass
class Row:
    id: str
    text: str
    content: str
    relays: list[str]
    speaker: str | None = None


ROWS = [
    # ---- article credits
    Row("dateline-was", "الرياض 26 شوال 1436 هـ الموافق 11 اغسطس 2015 م واس\nوقال وزير الصحة إن الخدمات تحسنت كثيرا.",
        "الخدمات تحسنت كثيرا", ["واس"], "وزير الصحة"),
    Row("credit-afp", "باريس (أ ف ب) - قال وزير الخارجية الفرنسي إن المحادثات ستستأنف الأسبوع المقبل.",
        "المحادثات ستستأنف الأسبوع المقبل", ["فرانس برس (أ ف ب)"], "وزير الخارجية الفرنسي"),
    Row("credit-reuters-dash", "دبي - رويترز\nقال مسؤول في الشركة إن الأرباح ارتفعت في الربع الثاني.",
        "الأرباح ارتفعت في الربع الثاني", ["رويترز"], "مسؤول"),
    Row("credit-wakalat", "سبق- وكالات: قال وزير الدفاع الأمريكي إن خيار العمل العسكري ما زال مطروحا.",
        "خيار العمل العسكري ما زال مطروحا", ["وكالات"], "وزير الدفاع الأمريكي"),
    Row("neg-own-dateline", "الرياضي ـ الكويت\nقال المدرب إن الفريق يستحق الفوز.", "الفريق يستحق الفوز", [],
        "المدرب"),
    Row("opening-sana", "وافادت 'سانا' انه جاء في بيان الحكومة إن \"الإصلاحات مستمرة في جميع القطاعات\".",
        "الإصلاحات مستمرة في جميع القطاعات", ["سانا"], "بيان الحكومة"),
    # the agency first, then the place (واس- جدة:); a tatweel as the dash (الرياض ـ واس)
    Row("credit-agency-first", "واس- جدة: أعلنت وزارة الصحة أن الحالات انخفضت كثيرا هذا الأسبوع.",
        "الحالات انخفضت كثيرا هذا الأسبوع", ["واس"], "وزارة الصحة"),
    Row("credit-tatweel-dash", "الرياض ـ واس\nقال وزير الصحة إن الخدمات تحسنت كثيرا.",
        "الخدمات تحسنت كثيرا", ["واس"], "وزير الصحة"),
    # the publisher and the agencies joined by و: only the agencies are a credit
    Row("credit-wal-wakalat", "لندن: «الشرق الأوسط» والوكالات\nقال المسؤول إن المفاوضات ستستأنف قريبا.",
        "المفاوضات ستستأنف قريبا", ["وكالات"], "المسؤول"),
    # the dots of an abbreviation are no separator: (د.ب.أ)
    Row("credit-dotted", "بكين - (د.ب.أ): قال المتحدث إن الاقتصاد ينمو بسرعة.", "الاقتصاد ينمو بسرعة",
        ["د ب أ"], "المتحدث"),
    # a spelling that names the agency only in a credit: (الفرنسية)
    Row("credit-only-alias", "باريس (الفرنسية) - قال الوزير إن المحادثات ستستأنف.", "المحادثات ستستأنف",
        ["فرانس برس (الفرنسية)"], "الوزير"),
    # a place and a date before the bracket, no dash (Xinhua's dateline)
    Row("credit-date-bracket", "بكين 15 يناير (شينخوا) أعلنت الحكومة الصينية أن النمو تباطأ.", "النمو تباطأ",
        ["شينخوا"], "الحكومة الصينية"),
    # a list of agencies at a story's end: (و ص ف، رويترز، أ ب)
    Row("credit-tail-list", "وقال المتحدث إن الاجتماع تأجل إلى الشهر المقبل. (و ص ف، رويترز، أ ب)",
        "الاجتماع تأجل إلى الشهر المقبل", ["فرانس برس (و ص ف)", "رويترز", "أسوشيتد برس (أ ب)"], "المتحدث"),
    Row("credit-after-title-line", "ارتفاع أسعار النفط\nلندن - رويترز\nقال محللون إن الأسعار سترتفع أكثر.",
        "الأسعار سترتفع أكثر", ["رويترز"], "محللون"),
    Row("credit-tail", "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في جنيف.\n(رويترز)",
        "المحادثات ستستأنف الأسبوع المقبل في جنيف", ["رويترز"], "وزير الخارجية"),
    Row("neg-photo-credit", "الوزير خلال المؤتمر (رويترز - أرشيف)\nقال الوزير إن الميزانية ستعلن غدا.",
        "الميزانية ستعلن غدا", [], "الوزير"),
    Row("neg-credit-alias-as-adjective", "وقال الوزير إن الحكومة الفرنسية ستدعم الخطة الجديدة.",
        "الحكومة الفرنسية ستدعم الخطة الجديدة", [], "الوزير"),
    Row("neg-agency-named-in-text", "وقالت وكالة أنباء الصين الجديدة (شينخوا) إن القرار اتخذ أمس.",
        "القرار اتخذ أمس", [], "وكالة أنباء الصين الجديدة"),
    # ---- quote relays
    Row("naqalat-an", "ونقلت وكالة رويترز عن مسؤول سعودي قوله إن المملكة ماضية في خططها.",
        "المملكة ماضية في خططها", ["رويترز"], "مسؤول سعودي"),
    Row("qala-li-sharq", "وقال الوزير لـ«الشرق الأوسط» إن الاتفاق سيوقع قريبا.",
        "الاتفاق سيوقع قريبا", ["الشرق الأوسط"], "الوزير"),
    Row("qala-li-reuters", "وقال مسؤول لرويترز إن الاجتماع تأجل إلى الشهر المقبل.",
        "الاجتماع تأجل إلى الشهر المقبل", ["رويترز"], "مسؤول"),
    Row("tasrih-li", "وقال المتحدث في تصريح لـ«عكاظ» إن التحقيقات مستمرة.",
        "التحقيقات مستمرة", ["عكاظ"], "المتحدث"),
    Row("hadith-qanat", "وقال الوزير في حديث لقناة العربية إن المفاوضات صعبة.",
        "المفاوضات صعبة", ["العربية"], "الوزير"),
    Row("unknown-paper-head", "وقال المدرب في مقابلة مع صحيفة ديلي ميرور إن الفريق جاهز.",
        "الفريق جاهز", ["ديلي ميرور"], "المدرب"),
    Row("bihasab-ma-naqalat", "وارتفعت أسعار النفط بنسبة كبيرة أمس، بحسب ما نقلت وكالة رويترز.",
        "ارتفعت أسعار النفط بنسبة كبيرة أمس", ["رويترز"]),
    Row("wifqan-lima", "وأشار الحقباني إلى أن أخاه كان طيب المعشر، وفقًا لما ذكرته “المدينة”.",
        "أخاه كان طيب المعشر", ["المدينة"], "الحقباني"),
    Row("tweet", "وقال الوزير في تغريدة على حسابه في «تويتر» إن القرار نهائي.",
        "القرار نهائي", ["تويتر"], "الوزير"),
    Row("hasbama-tv", "واوضح سيف حسبما نقل عنه التلفزيون الرسمي ان “الأرصدة المجمدة تبلغ 29 مليار دولار”.",
        "الأرصدة المجمدة تبلغ 29 مليار دولار", ["التلفزيون الرسمي"], "سيف"),
    Row("nasabat-ila", "ونسبت وكالة الصحافة الفرنسية إلى وزير إسرائيلي قوله إن قيادة الجيش فشلت في الحرب.",
        "قيادة الجيش فشلت في الحرب", ["فرانس برس (وكالة الصحافة الفرنسية)"]),
    # a name in marks that begins with a media head (once made the label recurse without end)
    Row("marked-name-with-head", "ونقلت «مجلة مرض ألزهايمر» عن الباحثين أن النوم يحمي الذاكرة.",
        "النوم يحمي الذاكرة", ["مرض ألزهايمر"]),
    # a national agency named by its adjective, missing from the lexicon
    Row("national-agency", "ونقلت وكالة الأنباء العراقية عن مسؤول قوله إن الوضع مستقر.", "الوضع مستقر",
        ["وكالة الأنباء العراقية"], "مسؤول"),
    Row("national-agency-then-today", "ونقلت وكالة الإعلام الروسية اليوم الخميس عن الأمين العام قوله إن الاتفاق قريب.",
        "الاتفاق قريب", ["وكالة الإعلام الروسية"]),
    # a platform a verb of writing put the words on, before a participle or another verb
    Row("platform-before-participle", "وغرد الوزير على تويتر قائلا: إن القرار نهائي.", "القرار نهائي", ["تويتر"]),
    Row("platform-before-verb", "وكتب جنبلاط عبر «تويتر» أمس يشكو «مشروع الفتنة المشترك».",
        "مشروع الفتنة المشترك", ["تويتر"]),
    Row("platform-after-network", "وقال البرقان خلال حسابه الرسمي بشبكة التواصل الاجتماعي (تويتر) «تم استلام شهادة "
        "اللاعب»", "تم استلام شهادة اللاعب", ["تويتر"], "البرقان"),
    Row("neg-platform-company", "ويقول جي باريك، نائب رئيس شركة «فيسبوك» للهندسة: «مهمتنا ربط كل الأشخاص».",
        "مهمتنا ربط كل الأشخاص", []),
    Row("neg-platform-no-writing", "وأوضح المدير أن الخطة تشمل التعريف بالاحتفال عبر تويتر، وأضاف أن مركزا "
        "إعلاميا خصص لكل حي.", "مركزا إعلاميا خصص لكل حي", []),
    # the outlet whose question was answered
    Row("answer-to-question", "وردًا على سؤال وكالة فرانس برس قال المتحدث باسم طالبان: «لا علم لنا بهذا الهجوم».",
        "لا علم لنا بهذا الهجوم", ["فرانس برس"]),
    # a " glued to لـ (ل"دنيا الرياضة"): the marks stage opens no quote after a letter
    Row("glued-mark-outlet", 'وأكد مصدر نصراوي ل"دنيا الرياضة" أن العلاقة متوترة.', "العلاقة متوترة",
        ["دنيا الرياضة"], "مصدر نصراوي"),
    Row("told-site", "وقال المدرب للموقع الرسمي للنادي إن اللاعب تعرض لكسر.", "اللاعب تعرض لكسر",
        ["الموقع الرسمي للنادي"], "المدرب"),
    Row("ablagh-agency-after-subject", 'وأبلغ مسؤول حكومي وكالة أنباء "رويترز" بأن العربات منتشرة الآن.',
        "العربات منتشرة الآن", ["رويترز"]),
    Row("neg-ablagh-people", "وأبلغ الوزير الصحفيين أن الاجتماع تأجل.", "الاجتماع تأجل", []),
    # the talk a participle goes on: واختتم حديثه لـ"سبق" قائلا
    Row("participle-after-talk", 'واختتم حديثه لـ"سبق" قائلاً: أطالب وزير الصحة بمحاسبة المسؤولين.',
        "أطالب وزير الصحة بمحاسبة المسؤولين", ["سبق"]),
    Row("neg-participle-after-talk-people", "وختم الوزير حديثه للصحفيين قائلا إن الاتفاق قريب.", "الاتفاق قريب", []),
    # a participle after a talk verb and the outlet it was told to
    Row("participle-after-told-to", "وتحدث المدرب لـ«الرياضية» قائلا إن الفريق جاهز.", "الفريق جاهز", ["الرياضية"]),
    Row("participle-after-told-magazine", "ولقد لخص الفنان طروحاته لمجلة أرت نيوز قائلاً: أطمح لمساحة حرة.",
        "أطمح لمساحة حرة", ["أرت نيوز"]),
    Row("neg-participle-after-to-people", "وتحدث المدرب للاعبين قائلا إن الفريق جاهز.", "الفريق جاهز", []),
    # statements an outlet carried or an interview it held (نقلتها، نقله، أجرتها معه)
    Row("statements-carried-by", "وقال الوزير في تصريحات للصحفيين نقلتها رويترز إن الاتفاق جيد.", "الاتفاق جيد",
        ["رويترز"], "الوزير"),
    Row("conference-carried-by-tv", "وقال الوزير في مؤتمر صحفي نقله التلفزيون الرسمي إن الاتفاق جيد.",
        "الاتفاق جيد", ["التلفزيون الرسمي"], "الوزير"),
    Row("call-held-by", "وأكد الوزير في اتصال هاتفي أجرته معه «الرياض» أن الاتفاق جيد.", "الاتفاق جيد",
        ["الرياض"], "الوزير"),
    Row("neg-carried-by-people", "وقال الوزير في تصريحات نقلها عنه مقربون إن الاتفاق جيد.", "الاتفاق جيد", []),
    # a mention that is only the outlet spoken to (وقال للجزيرة نت إن)
    Row("told-outlet-no-subject", "وقال للجزيرة نت إن الاتفاق جيد.", "الاتفاق جيد", ["الجزيرة نت"]),
    # an according phrase between the subject and its complementiser is a parenthesis: the
    # verb keeps its content, the outlet relays it
    Row("according-parenthesis", "وقال الوزير، حسبما نقلت عنه وكالة رويترز، إن الاتفاق جيد.", "الاتفاق جيد",
        ["رويترز"], "الوزير"),
    Row("according-parenthesis-no-comma", "وأكد مرغلاني وفقاً لـ”الرياض”، أن الوزارة حريصة على صرف البدلات.",
        "الوزارة حريصة على صرف البدلات", ["الرياض"], "مرغلاني"),
    Row("neg-according-parenthesis-sources", "وقال الوزير، بحسب مصادر مطلعة، إن الاتفاق جيد.", "الاتفاق جيد", []),
    # an according phrase whose outlet is the source itself: the speaker, no relay (the gold
    # and ANNOTATION.md: حسبما ذكرت صحيفة X with no other speaker); through it to a source: a relay
    Row("neg-according-outlet-speaks", "وعادت المرأة إلى منزلها دون أموالها، حسبما ذكرت صحيفة «هندوستان تايمز».",
        "عادت المرأة إلى منزلها دون أموالها", []),
    Row("according-outlet-from-source", "والاتفاق سيوقع الأسبوع المقبل في جنيف، بحسب ما نقلت وكالة رويترز عن "
        "مسؤولين أوروبيين.", "الاتفاق سيوقع الأسبوع المقبل في جنيف", ["رويترز"]),
    # the outlet told comes before the subject (أبلغ/أفاد «X» المتحدث أن)
    Row("told-object-before-subject", 'وأبلغ "الوطن" المسؤول في السفارة أحمد العنزي أن الأعداد زادت.',
        "الأعداد زادت", ["الوطن"]),
    Row("ifada-told-object", "وأفاد «عكاظ» مصدر مطلع بأن الاتفاق جيد.", "الاتفاق جيد", ["عكاظ"]),
    Row("neg-ifada-no-outlet", "وأفاد المتحدث الأمني بأن الحادث وقع فجرا.", "الحادث وقع فجرا", []),
    # a document mention that runs over the outlet that carried it
    Row("document-carried-by", "وذكر بيان نشرته وكالة الأنباء السعودية أن الاتفاق جيد.", "الاتفاق جيد",
        ["واس (وكالة الأنباء السعودية)"]),
    # بـ + a media head after a talk noun: خلال لقائه بقناة «العربية»
    Row("talk-with-channel", "وقال الوزير خلال لقائه بقناة «العربية» إن الاتفاق جيد.", "الاتفاق جيد",
        ["العربية"], "الوزير"),
    Row("neg-b-channel-no-talk", "وقال الوزير المعجب بقناة السويس إن الاتفاق جيد.", "الاتفاق جيد", []),
    # Maghreb and Levant agencies in wire credits
    Row("credit-map", "الرباط - و م ع: قال وزير الاتصال المغربي إن الحكومة ستتخذ إجراءات.",
        "الحكومة ستتخذ إجراءات", ["و م ع"]),
    Row("credit-aps", "الجزائر - واج: قال وزير الداخلية الجزائري إن الوضع مستقر.", "الوضع مستقر", ["واج"]),
    Row("credit-tap", "تونس - وات: قال وزير الخارجية التونسي إن تونس تدعم الحوار.", "تونس تدعم الحوار", ["وات"]),
    Row("credit-nna", "بيروت - الوكالة الوطنية للإعلام: قال وزير الداخلية اللبناني إن الأمن ممسوك.",
        "الأمن ممسوك", ["الوكالة الوطنية للإعلام"]),
    Row("neg-watt", "وقال المهندس إن المحطة تنتج مئة وات فقط.", "المحطة تنتج مئة وات فقط", []),
    # a new channel for the same speaker replaces the carried one
    Row("new-channel-stops-carry", "وقال الوزير لـ«الشرق الأوسط» إن الاتفاق سيوقع قريبا. وقال لاحقا في تصريحات "
        "لوكالة الأنباء الليبية الرسمية إن التحقيقات مستمرة.", "التحقيقات مستمرة", ["وكالة الأنباء الليبية الرسمية"]),
    # told-to frames in other orders
    Row("told-before-subject", 'قالت لـ"الاقتصادية" مصادر مطلعة إن الوزارة ستعلن القرار قريبا.',
        "الوزارة ستعلن القرار قريبا", ["الاقتصادية"]),
    Row("ablagha-object", "وأبلغ مسؤول في الوزارة «الشرق الأوسط» أن الخطة جاهزة.", "الخطة جاهزة",
        ["الشرق الأوسط"], "مسؤول"),
    Row("mutahadithan-ila", "وقال الوزير متحدثا إلى «الحياة» إن المفاوضات مستمرة.", "المفاوضات مستمرة",
        ["الحياة"]),
    Row("hadithihi-ila", "وأوضح الوزير في حديثه إلى «الحياة» أن المفاوضات مستمرة.", "المفاوضات مستمرة",
        ["الحياة"], "الوزير"),
    Row("tasrih-ila", 'وأكد السفير في تصريح إلى "الوطن" أن العلاقات متينة.', "العلاقات متينة", ["الوطن"],
        "السفير"),
    Row("ittisal-hatifi-maa", "وأوضح الأمين في اتصال هاتفي مع «الشرق الأوسط» أن الفكر المتطرف انتشر.",
        "الفكر المتطرف انتشر", ["الشرق الأوسط"], "الأمين"),
    # an outlet that is also a word counts unmarked in a talk frame
    Row("ittisal-unmarked-outlet", "وقالت مصادر محلية في اتصال هاتفي مع المدينة إن المواجهات مستمرة.",
        "المواجهات مستمرة", ["المدينة"]),
    # an outlet missing from the lexicon, in marks after a standalone لـ
    Row("li-marked-unknown-outlet", "وقال المتحدث لـ«الخليج» إن الاجتماع سيعقد غدا.", "الاجتماع سيعقد غدا",
        ["الخليج"], "المتحدث"),
    # right after the cue or the speaker, a prefixed outlet name is the one spoken to
    Row("li-prefixed-after-speaker", "وقال القيادي بحماس للجزيرة إن الخلاف الوحيد يتعلق بالمبادرة.",
        "الخلاف الوحيد يتعلق بالمبادرة", ["الجزيرة"], "القيادي"),
    Row("correspondent-of-outlet", "ونقل مراسل الجزيرة عن مصادر الحركة أن المفاوضات توقفت.", "المفاوضات توقفت",
        ["الجزيرة"]),
    Row("bbc-spelled-out", "ونقلت هيئة الإذاعة البريطانية عن المدرب قوله إن البحث عن خليفة سيبدأ قريبا.",
        "البحث عن خليفة سيبدأ قريبا", ["بي بي سي (هيئة الإذاعة البريطانية)"], "المدرب"),
    Row("neg-according-li-word", "وقتل نحو 30 ألف فيل العام الماضي، وفقا للصندوق العالمي للحياة البرية.",
        "قتل نحو 30 ألف فيل العام الماضي", []),
    Row("neg-li-after-title", "وقال توني تايلر، المدير العام لـ«أياتا» في بيان: «الطلب ارتفع كثيرا».",
        "الطلب ارتفع كثيرا", []),
    Row("neg-li-unmarked-word", "وقال المتحدث إن الدعم للخليج سيستمر طويلا.", "الدعم للخليج سيستمر طويلا", [],
        "المتحدث"),
    Row("fronted-tasrih", "وفي تصريح لـ«الشرق الأوسط»، قال الوزير إن الاتفاق قريب.", "الاتفاق قريب",
        ["الشرق الأوسط"], "الوزير"),
    # the relay as the text spells it, after the lexicon's name when they differ
    Row("surface-spelling", "وقال ابنه لوكالة الصحافة الفرنسية إن الجنود اقتحموا المنزل.",
        "الجنود اقتحموا المنزل", ["فرانس برس (وكالة الصحافة الفرنسية)"], "ابنه"),
    Row("marked-name-goes-on", 'وأعرب السكان في تصريحات لقناة " الجزيرة مباشر " عن تفاؤلهم بالقرار.',
        "تفاؤلهم بالقرار", ["الجزيرة مباشر"], "السكان"),
    # sources of an outlet, named or referred back to
    Row("masadir-outlet", "وأكدت مصادر «الجزيرة» أن اللاعبين رفضوا العرض.", "اللاعبين رفضوا العرض",
        ["الجزيرة"]),
    Row("masadir-al-qanat", 'وذكرت قناة "العربية" أن القوات تقدمت. وأكدت مصادر القناة أن القوات وصلت إلى المطار.',
        "القوات وصلت إلى المطار", ["العربية"]),
    # broadcasters named with their head and description
    Row("li-radio", "وأكد وزير الدولة جدعون عيزرا لراديو إسرائيل أنه علم بالاجتماع.", "علم بالاجتماع",
        ["راديو إسرائيل"]),
    Row("li-broadcaster-description", "وقال شالوم للقناة التلفزيونية الإسرائيلية العاشرة إن الحزب يتوقع فشلا.",
        "الحزب يتوقع فشلا", ["القناة التلفزيونية الإسرائيلية العاشرة"]),
    Row("neg-broadcast-marks-are-speech", "وقال روحاني في مداخلة نقلت عبر التلفزيون «سنشدد على مبادئنا في المفاوضات».",
        "سنشدد على مبادئنا في المفاوضات", []),
    # the newspaper referred back to: ونقلت الصحيفة عن X، قال المحلل للصحيفة
    Row("naqalat-al-sahifa", "نقلت صحيفة القبس الكويتية عن وزير النفط قوله إن الأسعار سترتفع. "
        "ونقلت الصحيفة عن الوزير قوله إن الأسواق ستستقر.", "الأسواق ستستقر", ["القبس"], "الوزير"),
    Row("li-al-sahifa", "نقلت صحيفة القبس عن وزير النفط قوله إن الأسعار سترتفع. وقال المحلل للصحيفة إن "
        "السوق متقلب.", "السوق متقلب", ["القبس"]),
    Row("neg-canal-not-channel", "وهي قناة موازية للقناة الأصلية. وقال المهندس في القناة إن العمل انتهى.",
        "العمل انتهى", []),
    Row("published-by", "وأكد بالمر في البيان الذي نشرته «ستار تريبيون» أن الرحلة كانت قانونية.",
        "الرحلة كانت قانونية", ["ستار تريبيون"], "بالمر"),
    Row("platform-bi", "وقال المحلل في تغريدة بحسابه الشخصي بتويتر إن العودة خطوة مهمة.",
        "العودة خطوة مهمة", ["تويتر"], "المحلل"),
    Row("website-of-body", "وقالت الوزارة في بيان نشر على الموقع الرسمي لمكتب رئيس الوزراء إن الحكومة وافقت.",
        "الحكومة وافقت", ["الموقع الرسمي لمكتب رئيس الوزراء"], "الوزارة"),
    Row("website-address", "وأكدت الهيئة في تقرير نشرته على موقعها الإلكتروني www.sfda.gov.sa أن الغذاء آمن.",
        "الغذاء آمن", ["www.sfda.gov.sa"], "الهيئة"),
    Row("neg-website-unnamed", "وأكدت وزارة الصحة عبر موقعها الإلكتروني أن الحالات انخفضت.", "الحالات انخفضت", [],
        "وزارة الصحة"),
    # bare بحسب X: the outlet is the speaker, not a relay (بحسب ما نقلت X is a relay, above)
    Row("according-outlet-speaker", 'وتقدمت القوات نحو القاعدة، بحسب قناة "العربية".',
        "تقدمت القوات نحو القاعدة", [], "العربية"),
    Row("neg-ala-hisab", "وقال الخبير إن إيران توسعت على حساب العرب. الحضارة العربية قديمة.",
        "إيران توسعت على حساب العرب", [], "الخبير"),
    Row("neg-account-owner", "ونقل حساب الاتحاد الكويتي على موقع تويتر عن رئيس الاتحاد قوله إن البطولة ستقام.",
        "البطولة ستقام", ["تويتر"]),
    Row("neg-sources-adjective", "وبينت المصادر العمانية أن الوزارة أغلقت الحدود.", "الوزارة أغلقت الحدود", []),
    Row("neg-li-place", "وقال الوزير إن زيارته للشرق الأوسط ستبدأ غدا.", "زيارته للشرق الأوسط ستبدأ غدا", [],
        "الوزير"),
    # ---- carried to the same speaker's continuation, not to others
    Row("carry-wa-adaf", "وقال الوزير لـ«الشرق الأوسط» إن الاتفاق سيوقع قريبا. وأضاف أن المفاوضات انتهت.",
        "المفاوضات انتهت", ["الشرق الأوسط"]),
    # the same speaker named after a verb that continues his words (وتابع X يقول:)
    Row("carry-tabaa-yaqul", "وقال الشيخ في مداخلة مع قناة الإخبارية: المصاب مصاب الجميع. "
        "وتابع الشيخ عبدالعزيز يقول: واجب العلماء كشف هذه الفئة الضالة.",
        "واجب العلماء كشف هذه الفئة الضالة", ["الإخبارية"]),
    Row("no-carry-other-speaker",
        "وقال الوزير لـ«الشرق الأوسط» إن الاتفاق سيوقع قريبا. وقال مسؤول آخر إن الموعد لم يحدد.",
        "الموعد لم يحدد", []),
    # ---- the newspaper as speaker, not relay
    Row("dhakarat-sahifa", "ذكرت صحيفة الحياة أن الحكومة تدرس خفض الدعم.",
        "الحكومة تدرس خفض الدعم", [], "صحيفة الحياة"),
    # ---- negatives
    Row("neg-qala-li", "وقال لي المدير إن الموعد تأجل إلى الأسبوع المقبل.", "الموعد تأجل إلى الأسبوع المقبل", [],
        "المدير"),
    Row("neg-city", "وقال الوزير في الرياض إن المملكة ماضية في الإصلاح.", "المملكة ماضية في الإصلاح", [],
        "الوزير"),
    Row("neg-paper-as-topic", "وانتقد الوزير ما نشرته صحيفة الوطن، وقال إن المعلومات غير دقيقة.",
        "المعلومات غير دقيقة", []),
]


def _quote(nlp, row: Row):
    doc = nlp(row.text)
    rows = doc_rows(doc, Record(row.id, row.text))
    hits = [q for q in rows["quotes"] if q["text"] == row.content and q["parent_quote_id"] is None]
    assert len(hits) == 1, [(q["text"], q["relayed_by"]) for q in rows["quotes"]]
    return hits[0], rows


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_relays(nlp, row):
    q, rows = _quote(nlp, row)
    assert q["relayed_by"] == row.relays, (q["relayed_by"], q["speaker"], q["speaker_name"])
    if row.speaker is not None:
        got = q["speaker"] or q["speaker_name"] or ""
        assert row.speaker in got, (got, q["speaker_name"])
    # every sources row points at its words in the text
    for s in rows["sources"]:
        assert 0 <= s["start"] <= s["end"] <= len(row.text)


def test_document_credit_on_documents_table(nlp):
    text = "الرياض 26 شوال 1436 هـ الموافق 11 اغسطس 2015 م واس\nوقال وزير الصحة إن الخدمات تحسنت."
    rows = doc_rows(nlp(text), Record("d", text))
    assert rows["documents"][0]["relayed_by"] == ["واس"]
    src = [s for s in rows["sources"] if s["source"] == "واس"]
    assert src and text[src[0]["start"]:src[0]["end"]] == "واس"


def test_founding_article_chain_and_nesting(nlp, astana_text):
    rows = doc_rows(nlp(astana_text), Record("astana", astana_text))
    quotes = rows["quotes"]
    top = [q for q in quotes if q["parent_quote_id"] is None]
    assert len(top) == 12
    assert all(q["relayed_by"] == ["سانا"] for q in quotes)
    # the first quote: سانا -> بيان الدول الضامنة (stated_in) -> the reader (read_by)
    first = min(top, key=lambda q: q["start"])
    chain = sorted((s for s in rows["sources"] if s["quote_id"] == first["quote_id"]), key=lambda s: -s["hop"])
    assert [(s["source"], s["relation"]) for s in chain] == [
        ("سانا", "reported_by"), ("بيان الدول الضامنة", "stated_in"),
        ("وزير خارجية كازاخستان خيرات عبد الرحمانوف", "read_by")]
    # the تشدد clause is a nested quote of الدول الضامنة, quoted from the statement
    nested = [q for q in quotes if q["parent_quote_id"] is not None and q["cue"] == "تشدد"]
    assert len(nested) == 1 and nested[0]["speaker"] == "الدول الضامنة"
    links = [s for s in rows["sources"] if s["quote_id"] == nested[0]["quote_id"]]
    assert any(s["relation"] == "quoted_from" for s in links)
    # all 12 top-level quotes by at most 3 speakers; the minister keeps his title
    assert len({q["speaker_id"] for q in top}) <= 3
    minister = next(s for s in rows["speakers"] if s["type"] == "person")
    assert minister["title"] == "وزير خارجية كازاخستان"
    assert "عبد الرحمانوف" in minister["aliases"]


def test_credit_belongs_to_the_story_it_heads(nlp):
    """A page with two wire stories: each story's quotes carry its own credit only."""
    text = ("* بكين - (د.ب.أ): قال المتحدث باسم الحكومة الصينية إن النشاط الصناعي تباطأ في يوليو الماضي "
            "بسبب ضعف الطلب العالمي على السلع.\n"
            "* القاهرة - رويترز: قال وزير المالية المصري إن الأسعار ستنخفض خلال العام المقبل.")
    rows = doc_rows(nlp(text), Record("page", text))
    by_text = {q["text"]: q["relayed_by"] for q in rows["quotes"]}
    assert by_text["النشاط الصناعي تباطأ في يوليو الماضي بسبب ضعف الطلب العالمي على السلع"] == ["د ب أ"]
    assert by_text["الأسعار ستنخفض خلال العام المقبل"] == ["رويترز"]
    assert rows["documents"][0]["relayed_by"] == ["د ب أ", "رويترز"]


@pytest.mark.parametrize("text,words", [
    ("وقال ابنه لوكالة الصحافة الفرنسية إن الجنود اقتحموا المنزل.", "وكالة الصحافة الفرنسية"),
    ("وقال مسؤول للجزيرة إن الاجتماع تأجل.", "للجزيرة"),  # right after the speaker: spoken to
    ("وقال الباحث في مركز كارنيجي للشرق الأوسط إن الاجتماع تأجل.", None),  # the centre's name
    ("وقال إن زيارة الوزير للشرق الأوسط ستبدأ غدا.", None),  # a place, not the newspaper
    ("وقال مسؤول لـ«الشرق الأوسط» إن الاجتماع تأجل.", "الشرق الأوسط"),
    ("باريس (أ ف ب) - قال الوزير إن المحادثات ستستأنف.", "أ ف ب"),
    ("وقال المدرب للموقع الرسمي للنادي إن اللاعب مصاب.", "للموقع الرسمي للنادي"),  # the alef is not written
])
def test_relay_sources_point_at_the_words(nlp, text, words):
    """A relay's sources row points at the name as written, without its clitic (لوكالة → وكالة;
    للشرق keeps its ل: the article's alef is not written)."""
    rows = doc_rows(nlp(text), Record("d", text))
    spans = {text[s["start"]:s["end"]] for s in rows["sources"] if s["relation"] in ("told_to", "reported_by")}
    assert spans == ({words} if words else set())
