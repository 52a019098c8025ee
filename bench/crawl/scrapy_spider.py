"""The Scrapy side of bench/crawl/run.sh: a minimal CrawlSpider over one loopback site.

    scrapy runspider bench/crawl/scrapy_spider.py -a start=http://127.0.0.1:PORT/index.html

Same scope as the other crawlers: the start URL's host only, every <a>/<area> link followed
(Scrapy's LinkExtractor defaults, which skip images, CSS, JS and archives), robots.txt obeyed,
no delay, 8 requests in flight. Pages are counted, not stored (Chouette writes a gzipped WARC
and its state; wget2 writes files): that only favours Scrapy.
"""
from urllib.parse import urlsplit

from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


class BenchSpider(CrawlSpider):
    name = "bench"
    custom_settings = {
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": 8,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
        "AUTOTHROTTLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "DEPTH_LIMIT": 0,
    }
    rules = (Rule(LinkExtractor(), callback="parse_page", follow=True),)

    def __init__(self, start=None, *args, **kwargs):
        if not start:
            raise ValueError("usage: scrapy runspider scrapy_spider.py -a start=URL")
        self.start_urls = [start]
        self.allowed_domains = [urlsplit(start).hostname]
        self.pages = 0
        super().__init__(*args, **kwargs)

    def parse_start_url(self, response):
        return self.parse_page(response)

    def parse_page(self, response):
        self.pages += 1
        return []

    def closed(self, reason):
        print(f"scrapy: {self.pages} pages ({reason})", flush=True)
