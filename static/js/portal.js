// ITA Portal
