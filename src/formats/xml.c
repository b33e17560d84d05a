/* xml.c - one expat parser set-up for every XML reader (see xml_int.h). */
#include "formats_int.h"
#include "xml_int.h"

XML_Parser ev__xml_parser_new(void *ud, XML_EntityDeclHandler on_decl,
                              XML_SkippedEntityHandler on_skipped)
{
    XML_Parser xp = XML_ParserCreate(NULL); /* the file's declaration, else UTF-8 */
    if (xp == NULL)
        return NULL;
    XML_SetUserData(xp, ud);
    XML_SetEntityDeclHandler(xp, on_decl);
    XML_SetSkippedEntityHandler(xp, on_skipped);
    /* no external entity handler: nothing outside the file is ever loaded */
    XML_SetParamEntityParsing(xp, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetBillionLaughsAttackProtectionMaximumAmplification(xp, 10.0f);
    XML_SetBillionLaughsAttackProtectionActivationThreshold(xp, (unsigned long long)1 << 20);
    return xp;
}
