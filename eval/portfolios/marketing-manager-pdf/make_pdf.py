"""Make resume.pdf (a fictional marketing manager's one-page résumé) with fpdf2 and DejaVu Sans.

Each job's dates sit at the right end of its line, as many résumé templates set them.
"""
from fpdf import FPDF

LINES = [
    ("title", "AROHA NGATA"),
    ("body", "Marketing Manager | Auckland, New Zealand"),
    ("body", "aroha.ngata@example.co.nz | +64 21 555 0192 | linkedin.com/in/arohangata"),
    ("head", "SUMMARY"),
    ("body", "Marketing manager with ten years in consumer brands and tourism. I run campaigns that are measured in bookings, not impressions."),
    ("head", "EXPERIENCE"),
    ("entry", "Marketing Manager, Kaitiaki Tours", "2020 – Present"),
    ("bullet", "Leads a marketing team of 5 and an annual budget of NZD 2.4 million"),
    ("bullet", "Grew direct online bookings by 48% in two years by rebuilding the website funnel"),
    ("bullet", "Launched the \"Slow Aotearoa\" campaign, which won the 2022 TVNZ Marketing Award for tourism"),
    ("bullet", "Moved email marketing from Mailchimp to HubSpot"),
    ("entry", "Brand Manager, Harbour Dairy Co.", "2016 – 2020"),
    ("bullet", "Managed the relaunch of the Tui Farm yoghurt range across 1,200 supermarkets"),
    ("bullet", "Ran A/B tests on packaging that raised shelf sales by 11%"),
    ("entry", "Marketing Coordinator, Pania Travel", "2014 – 2016"),
    ("bullet", "Organised 30 trade shows across Australia and Asia"),
    ("head", "EDUCATION"),
    ("body", "Bachelor of Commerce (Marketing), University of Auckland, 2013"),
    ("head", "SKILLS"),
    ("body", "Google Analytics 4, HubSpot, Meta Ads, Google Ads, Canva, SQL (basic), market research, brand strategy"),
    ("head", "AWARDS"),
    ("body", "TVNZ Marketing Award, tourism category, 2022"),
    ("head", "LANGUAGES"),
    ("body", "English (native), te reo Māori (conversational), Japanese (basic)"),
    ("head", "VOLUNTEERING"),
    ("body", "Marketing mentor for the Young Enterprise Scheme since 2019"),
]

pdf = FPDF(format="A4")
pdf.add_page()
pdf.add_font("DejaVu", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
pdf.add_font("DejaVu", "B", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
pdf.set_margins(18, 16, 18)
for kind, text, *dates in LINES:
    if kind == "title":
        pdf.set_font("DejaVu", "B", 18)
        pdf.multi_cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")
    elif kind == "head":
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    elif kind == "entry":
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(120, 6, text)
        pdf.set_font("DejaVu", "", 10)
        pdf.cell(0, 6, dates[0], align="R", new_x="LMARGIN", new_y="NEXT")
    elif kind == "bullet":
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 5, "• " + text, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
pdf.output("resume.pdf")
